import type { Flow } from '@integrations/contracts';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi, renderWithApp } from '../../test/render';
import { ConnectAccount } from './ConnectAccount';

const later = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const flow = (over: Partial<Flow>): Flow => ({
  flowId: 'f-1',
  method: 'code',
  status: 'awaiting_code',
  expiresAt: later(300),
  ...over,
});

describe('ConnectAccount', () => {
  it('walks phone → code → 2FA password, keeping the flow after a wrong code and explaining it', async () => {
    let state = flow({ codeType: 'sms' });
    const calls = fakeApi((url, init) => {
      if (url.endsWith('/telegram/connect') && init.method === 'POST') return { status: 202, body: state };
      if (url.endsWith('/code')) {
        const { code } = JSON.parse(String(init.body)) as { code: string };
        if (code !== '12345')
          return {
            status: 422,
            body: {
              status: 422,
              code: 'TELEGRAM_CODE_INVALID',
              title: 'Unprocessable',
              detail: 'The code is not valid.',
            },
          };
        state = flow({ status: 'awaiting_password', passwordHint: 'pet name' });
        return { status: 200, body: state };
      }
      if (url.endsWith('/password')) {
        state = flow({ status: 'active', accountId: 'a-1' });
        return { status: 200, body: state };
      }
      return { status: 200, body: state };
    });
    const user = userEvent.setup();
    renderWithApp(<ConnectAccount />);

    await user.click(screen.getByText('Phone number'));
    await user.type(screen.getByRole('textbox', { name: /phone number/i }), '+49 151 1234-5678');
    await user.click(screen.getByRole('button', { name: 'Send me a code' }));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ method: 'code', phone: '+4915112345678' });
    expect(calls.find((c) => c.method === 'POST')?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await screen.findByText('Telegram sent the code by SMS.')).toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: /login code/i }), '11111');
    await user.click(screen.getByRole('button', { name: 'Confirm code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That code is not right.');
    expect(screen.getByRole('textbox', { name: /login code/i })).toHaveValue('');

    await user.type(screen.getByRole('textbox', { name: /login code/i }), '12345');
    await user.click(screen.getByRole('button', { name: 'Confirm code' }));
    expect(await screen.findByText('Hint: pet name')).toBeInTheDocument();
    await user.type(screen.getByLabelText(/two-step verification password/i), 'secret');
    await user.click(screen.getByRole('button', { name: 'Confirm password' }));
    expect(await screen.findByText('Account connected')).toBeInTheDocument();
  });

  it('shows the QR as an image and replaces it when the server refreshes the login token', async () => {
    let url = 'tg://login?token=first';
    fakeApi((requested, init) => {
      const body = flow({ method: 'qr', status: 'awaiting_qr_scan', qr: { url, expiresAt: later(25) } });
      return { status: requested.endsWith('/connect') && init.method === 'POST' ? 202 : 200, body };
    });
    const user = userEvent.setup();
    renderWithApp(<ConnectAccount />);
    await user.click(screen.getByRole('button', { name: 'Show QR code' }));
    const image = await screen.findByRole('img', { name: /qr code/i });
    expect(image).toHaveAttribute('data-login-url', 'tg://login?token=first');
    expect(image.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(screen.getByText(/renews itself in 2\d s/)).toBeInTheDocument();

    url = 'tg://login?token=second';
    await waitFor(
      () =>
        expect(screen.getByRole('img', { name: /qr code/i })).toHaveAttribute(
          'data-login-url',
          'tg://login?token=second',
        ),
      { timeout: 4000 },
    );
  });

  it('explains an expired flow and offers to start again', async () => {
    fakeApi(() => ({
      status: 202,
      body: flow({
        method: 'qr',
        status: 'expired',
        error: { code: 'FLOW_EXPIRED', detail: 'The flow has expired.' },
      }),
    }));
    const user = userEvent.setup();
    renderWithApp(<ConnectAccount />);
    await user.click(screen.getByRole('button', { name: 'Show QR code' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This sign-in attempt has expired');
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    expect(screen.getByRole('button', { name: 'Show QR code' })).toBeInTheDocument();
  });

  it('keeps the flow in the URL: a reload resumes the code step, shows its expiry, and sends the code again', async () => {
    let state = flow({ codeType: 'app', expiresAt: later(125) });
    const calls = fakeApi((url, init) => {
      if (url.endsWith('/resend') && init.method === 'POST') {
        state = flow({ codeType: 'sms', expiresAt: later(300) });
        return { status: 200, body: state };
      }
      return { status: 200, body: state };
    });
    const user = userEvent.setup();
    renderWithApp(<ConnectAccount />, '/accounts/connect?flow=f-1');
    expect(await screen.findByRole('textbox', { name: /login code/i })).toBeInTheDocument();
    expect(calls[0]?.url).toBe('/api/integrations/telegram/connect/f-1');
    expect(screen.getByTestId('code-expiry')).toHaveTextContent(/The code works for (2:0\d|1:5\d) more/);

    await user.click(screen.getByRole('button', { name: 'Send the code again' }));
    expect(await screen.findByText(/A new code is on its way by SMS/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/connect/f-1/resend'))).toBe(true);
    expect(screen.getByText('Telegram sent the code by SMS.')).toBeInTheDocument();
    expect(screen.getByTestId('code-expiry')).toHaveTextContent(/The code works for (4:5\d|5:00) more/);
  });

  it('checks the phone format before asking Telegram', async () => {
    const calls = fakeApi(() => ({ status: 202, body: flow({}) }));
    const user = userEvent.setup();
    renderWithApp(<ConnectAccount />);
    await user.click(screen.getByText('Phone number'));
    await user.type(screen.getByRole('textbox', { name: /phone number/i }), '0151 1234 5678');
    await user.click(screen.getByRole('button', { name: 'Send me a code' }));
    expect(await screen.findByText(/Use the international format/)).toBeInTheDocument();
    expect(calls).toEqual([]);
  });
});
