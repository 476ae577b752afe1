import type { Account } from '@integrations/contracts';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi, renderWithApp } from '../../test/render';
import { AccountsPage } from './AccountsPage';

const account: Account = {
  id: 'a-1',
  phone: '+7999***4567',
  telegramUserId: '42',
  username: 'alice_tg',
  firstName: 'Alice',
  status: 'active',
  isActive: true,
  label: null,
  lastSeenAt: null,
  lastError: null,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
};

describe('AccountsPage', () => {
  it('shows the masked phone, the full number only when asked for (through the reveal), and hides it again', async () => {
    const calls = fakeApi((url) => {
      if (url.includes('/telegram/accounts/a-1?reveal=phone'))
        return { status: 200, body: { ...account, fullPhone: '+79991234567' } };
      return { status: 200, body: { items: [account], nextCursor: null } };
    });
    const user = userEvent.setup();
    renderWithApp(<AccountsPage />, '/accounts');
    expect(await screen.findByText('+7999***4567')).toBeInTheDocument();
    expect(screen.queryByText('+79991234567')).not.toBeInTheDocument();
    expect(calls.filter((c) => c.url.includes('reveal'))).toEqual([]);

    await user.click(screen.getByRole('button', { name: /^show number of .*@alice_tg$/i }));
    expect(await screen.findByText('+79991234567')).toBeInTheDocument();
    expect(calls.filter((c) => c.url.includes('reveal')).map((c) => [c.method, c.url])).toEqual([
      ['GET', '/api/integrations/telegram/accounts/a-1?reveal=phone'],
    ]);

    await user.click(screen.getByRole('button', { name: /^hide number of .*@alice_tg$/i }));
    expect(screen.queryByText('+79991234567')).not.toBeInTheDocument();
    expect(screen.getByText('+7999***4567')).toBeInTheDocument();
  });

  it('explains a refused reveal and keeps the number masked', async () => {
    fakeApi((url) => {
      if (url.includes('reveal=phone'))
        return {
          status: 404,
          body: { status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: 'No such account.' },
        };
      return { status: 200, body: { items: [account], nextCursor: null } };
    });
    const user = userEvent.setup();
    renderWithApp(<AccountsPage />, '/accounts');
    await user.click(await screen.findByRole('button', { name: /^show number of/i }));
    expect(await screen.findByRole('alert')).toHaveTextContent('No such account.');
    expect(screen.getByText('+7999***4567')).toBeInTheDocument();
  });
});
