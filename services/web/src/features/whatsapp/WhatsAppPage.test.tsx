import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { staleListsOf } from '../../live/describe-event';
import { fakeApi, renderWithApp } from '../../test/render';
import { WhatsAppPage } from './WhatsAppPage';

const number = {
  id: 'n-1',
  phoneNumberId: '1000001',
  displayPhoneNumber: '+1 555 0100',
  verifiedName: 'Corner Shop',
  qualityRating: 'YELLOW',
  status: 'active',
  isActive: true,
  label: null,
  webhookUrl: 'http://127.0.0.1:9105/whatsapp/webhooks/n-1',
  lastError: null,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
};
const message = (status: string, error?: { code: string; detail: string }) => ({
  id: 'm-1',
  numberId: 'n-1',
  to: '15550001111',
  type: 'text',
  status,
  ...(error ? { error } : {}),
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
});

/** Stands in for the live stream: a `whatsapp.*` event makes the lists it touches stale, as LiveEvents does. */
let fireEvent: (type: string) => Promise<void>;
function LiveStandIn() {
  const client = useQueryClient();
  useEffect(() => {
    fireEvent = async (type) => {
      await Promise.all(staleListsOf(type).map((list) => client.invalidateQueries({ queryKey: [list] })));
    };
  }, [client]);
  return null;
}

describe('WhatsAppPage', () => {
  it('connects a number and lists it with its status and quality rating in words', async () => {
    let connected = false;
    const calls = fakeApi((url, init) => {
      if (init.method === 'POST') {
        connected = true;
        return { status: 201, body: number };
      }
      return { status: 200, body: { items: connected ? [number] : [], nextCursor: null } };
    });
    const user = userEvent.setup();
    renderWithApp(<WhatsAppPage />, '/whatsapp');
    expect(await screen.findByText('No WhatsApp numbers yet')).toBeInTheDocument();
    await user.type(screen.getByLabelText(/phone number id/i), '1000001');
    await user.type(screen.getByLabelText(/access token/i), 'EAAG-token');
    await user.type(screen.getByLabelText(/app secret/i), 'app-secret');
    await user.click(screen.getByRole('button', { name: 'Connect number' }));
    expect(await screen.findByText('+1 555 0100 (Corner Shop) is connected.')).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'WhatsApp numbers' });
    // The status badge (the switch beside it is also labelled "Active").
    expect(within(table).getAllByText('Active').length).toBeGreaterThan(0);
    expect(within(table).getByText('Medium')).toBeInTheDocument();
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url).toBe('/api/integrations/whatsapp/numbers');
    expect(post?.body).toEqual({
      phoneNumberId: '1000001',
      accessToken: 'EAAG-token',
      appSecret: 'app-secret',
    });
    expect(post?.headers['idempotency-key']).toEqual(expect.any(String));
    // The secrets are gone from the form once connected.
    expect(screen.getByLabelText(/access token/i)).toHaveValue('');
  });

  it('explains a token Meta refuses', async () => {
    fakeApi((url, init) =>
      init.method === 'POST'
        ? {
            status: 422,
            body: {
              status: 422,
              code: 'WHATSAPP_TOKEN_INVALID',
              title: 'Invalid',
              detail: 'Graph answered 190.',
            },
          }
        : { status: 200, body: { items: [], nextCursor: null } },
    );
    const user = userEvent.setup();
    renderWithApp(<WhatsAppPage />, '/whatsapp');
    await user.type(screen.getByLabelText(/phone number id/i), '1000001');
    await user.type(screen.getByLabelText(/access token/i), 'bad');
    await user.type(screen.getByLabelText(/app secret/i), 'secret');
    await user.click(screen.getByRole('button', { name: 'Connect number' }));
    expect(await screen.findByText(/Meta does not accept this access token/)).toBeInTheDocument();
  });

  it('pauses a number with its switch through a merge patch', async () => {
    let current = { ...number };
    const calls = fakeApi((url, init) => {
      if (init.method === 'PATCH') {
        current = { ...current, ...(JSON.parse(String(init.body)) as Partial<typeof number>) };
        return { status: 200, body: current };
      }
      return { status: 200, body: { items: [current], nextCursor: null } };
    });
    const user = userEvent.setup();
    renderWithApp(<WhatsAppPage />, '/whatsapp');
    await user.click(await screen.findByRole('switch', { name: 'Active: +1 555 0100' }));
    const table = await screen.findByRole('table', { name: 'WhatsApp numbers' });
    expect(await within(table).findByText('Paused')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => [c.url, c.body])).toEqual([
      ['/api/integrations/whatsapp/numbers/n-1', { isActive: false }],
    ]);
  });

  it('sends a template with its parameters', async () => {
    const calls = fakeApi((url, init) =>
      init.method === 'POST'
        ? { status: 200, body: { ...message('accepted'), type: 'template' } }
        : url.includes('/messages/')
          ? { status: 200, body: message('accepted') }
          : { status: 200, body: { items: [number], nextCursor: null } },
    );
    const user = userEvent.setup();
    renderWithApp(<WhatsAppPage />, '/whatsapp');
    await user.click(await screen.findByRole('button', { name: 'Send from +1 555 0100' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send from +1 555 0100' });
    await user.type(within(dialog).getByLabelText(/customer’s whatsapp number/i), '+15550001111');
    await user.type(within(dialog).getByLabelText(/template name/i), 'order_ready');
    await user.type(within(dialog).getByLabelText(/parameters/i), 'A-17');
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect(await within(dialog).findByText('Accepted')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      to: '15550001111',
      template: {
        name: 'order_ready',
        language: 'en_US',
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-17' }] }],
      },
    });
  });

  it('follows a text’s delivery state live, and says why it failed outside the 24-hour window', async () => {
    let state = message('accepted');
    const calls = fakeApi((url, init) =>
      init.method === 'POST'
        ? { status: 200, body: state }
        : url.includes('/messages/m-1')
          ? { status: 200, body: state }
          : { status: 200, body: { items: [number], nextCursor: null } },
    );
    const user = userEvent.setup();
    renderWithApp(
      <>
        <LiveStandIn />
        <WhatsAppPage />
      </>,
      '/whatsapp',
    );
    await user.click(await screen.findByRole('button', { name: 'Send from +1 555 0100' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send from +1 555 0100' });
    await user.type(within(dialog).getByLabelText(/customer’s whatsapp number/i), '15550001111');
    await user.click(within(dialog).getByRole('radio', { name: 'Free-form text' }));
    await user.type(within(dialog).getByRole('textbox', { name: /^message/i }), 'Hello');
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    const delivery = await within(dialog).findByRole('status', { name: 'Delivery' });
    expect(await within(delivery).findByText('Accepted')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ to: '15550001111', text: 'Hello' });

    state = message('failed', { code: 'WHATSAPP_WINDOW_CLOSED', detail: 'Re-engagement message' });
    await fireEvent('whatsapp.message.status');
    expect(await within(delivery).findByText('Failed')).toBeInTheDocument();
    expect(within(delivery).getByText(/only an approved template can reach them/)).toBeInTheDocument();
    await waitFor(() =>
      expect(calls.filter((c) => c.url === '/api/integrations/messages/m-1').length).toBeGreaterThan(1),
    );
  });
});
