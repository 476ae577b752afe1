import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi, renderWithApp } from '../test/render';
import { SendMessageForm } from './SendMessageForm';

describe('SendMessageForm', () => {
  it('offers recent chats of the sender by name, and sends to the one picked', async () => {
    const calls = fakeApi((url, init) => {
      if (url.includes('/logs'))
        return {
          status: 200,
          body: {
            items: [
              {
                id: '9',
                action: 'message_sent',
                resourceId: 'acct-1',
                resourceType: 'account',
                details: { chatId: '42', chatTitle: '@a_fan' },
              },
            ],
            nextCursor: null,
          },
        };
      if (init.method === 'POST')
        return { status: 200, body: { id: 'm', status: 'sent', chatId: '42', telegramMessageId: '5' } };
      return { status: 200, body: { items: [], nextCursor: null } };
    });
    const user = userEvent.setup();
    renderWithApp(
      <SendMessageForm
        target={{ kind: 'account', id: 'acct-1' }}
        recipient={{ label: 'To', placeholder: '' }}
      />,
    );
    const to = screen.getByRole('combobox', { name: 'To' });
    await user.type(to, '@a_f');
    await user.click(await screen.findByRole('option', { name: /@a_fan/ }));
    expect(to).toHaveValue('@a_fan');
    await user.type(screen.getByLabelText(/message/i), 'Hi');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('Sent');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ text: 'Hi', to: '@a_fan' });
  });
});
