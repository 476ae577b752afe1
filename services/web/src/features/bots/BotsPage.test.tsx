import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi, renderWithApp } from '../../test/render';
import { ChannelsPage } from '../channels/ChannelsPage';
import { BotsPage } from './BotsPage';

const bot = {
  id: 'b-1',
  telegramBotId: '7',
  username: 'news_bot',
  firstName: 'News',
  status: 'active',
  isActive: true,
  label: null,
  updatesMode: 'polling',
  lastError: null,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
};
const channel = {
  id: 'c-1',
  chatId: '-1001',
  title: 'Web news',
  type: 'channel',
  username: 'web_news',
  via: { type: 'bot', id: 'b-1' },
  canPost: true,
  status: 'active',
  lastCheckedAt: new Date().toISOString(),
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
};

describe('BotsPage', () => {
  it('refuses a malformed token in words, without asking the api', async () => {
    const calls = fakeApi(() => ({ status: 200, body: { items: [], nextCursor: null } }));
    const user = userEvent.setup();
    renderWithApp(<BotsPage />, '/bots');
    await user.type(screen.getByLabelText(/bot token/i), '123:not-a-real-token');
    await user.click(screen.getByRole('button', { name: 'Add bot' }));
    expect(await screen.findByText(/This is not a bot token/)).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('says that removing a bot removes its channels, and the channel list follows without a reload', async () => {
    let removed = false;
    const calls = fakeApi((url, init) => {
      if (init.method === 'DELETE') {
        removed = true;
        return { status: 204 };
      }
      if (url.includes('/telegram/channels'))
        return { status: 200, body: { items: removed ? [] : [channel], nextCursor: null } };
      if (url.includes('/telegram/bots'))
        return { status: 200, body: { items: removed ? [] : [bot], nextCursor: null } };
      return { status: 200, body: { items: [], nextCursor: null } };
    });
    const user = userEvent.setup();
    // Both screens share one cache, as in the app: the channels were seen before the bot was removed.
    renderWithApp(
      <>
        <ChannelsPage />
        <BotsPage />
      </>,
      '/bots',
    );
    const channels = await screen.findByRole('table', { name: 'Channels and groups' });
    expect(within(channels).getByText('Web news')).toBeInTheDocument();

    await user.click(await screen.findByRole('button', { name: 'Remove @news_bot' }));
    const dialog = await screen.findByRole('dialog', { name: 'Are you sure?' });
    expect(dialog).toHaveTextContent('the channels and groups attached through it are removed');
    expect(within(dialog).getByRole('button', { name: 'Close this dialog' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Remove bot' }));

    await waitFor(() => expect(screen.queryByText('Web news')).toBeNull());
    expect(
      calls.filter((c) => c.method === 'GET' && c.url.includes('/telegram/channels')).length,
    ).toBeGreaterThan(1);
  });

  it('pauses a bot with its switch and names it, through merge patches, and the list shows both', async () => {
    let current = { ...bot };
    const calls = fakeApi((url, init) => {
      if (init.method === 'PATCH') {
        current = { ...current, ...(JSON.parse(String(init.body)) as Partial<typeof bot>) };
        return { status: 200, body: current };
      }
      if (url.includes('/telegram/bots'))
        return { status: 200, body: { items: [current], nextCursor: null } };
      return { status: 200, body: { items: [], nextCursor: null } };
    });
    const user = userEvent.setup();
    renderWithApp(<BotsPage />, '/bots');
    await user.click(await screen.findByRole('switch', { name: 'Active: @news_bot' }));
    const table = await screen.findByRole('table', { name: 'Telegram bots' });
    expect(await within(table).findByText('Paused')).toBeInTheDocument();
    expect(screen.getByRole('switch', { name: 'Active: @news_bot' })).not.toBeChecked();

    await user.click(screen.getByRole('button', { name: 'Label @news_bot' }));
    await user.type(await screen.findByLabelText('Your name for @news_bot'), '  Support desk ');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Support desk')).toBeInTheDocument();

    const patches = calls.filter((c) => c.method === 'PATCH');
    expect(patches.map((c) => [c.url, c.body, c.headers['content-type']])).toEqual([
      ['/api/integrations/telegram/bots/b-1', { isActive: false }, 'application/merge-patch+json'],
      ['/api/integrations/telegram/bots/b-1', { label: 'Support desk' }, 'application/merge-patch+json'],
    ]);
  });

  it('asks the api for paused bots as isActive=false, not as a status', async () => {
    const calls = fakeApi(() => ({ status: 200, body: { items: [], nextCursor: null } }));
    renderWithApp(<BotsPage />, '/bots?status=paused');
    await screen.findByText('No bot matches');
    const lists = calls.filter((c) => c.url.includes('/telegram/bots?'));
    expect(lists.map((c) => new URL(c.url, 'http://x').searchParams.get('isActive'))).toContain('false');
    expect(lists.every((c) => !c.url.includes('status='))).toBe(true);
  });
});
