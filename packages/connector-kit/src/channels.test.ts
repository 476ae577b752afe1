import { makeEnvelope } from '@integrations/messaging';
import { channelFilter, freshChannel, toChannel, updateChannel, type ChannelColumns } from './channels';
import { InMemoryOwnedRows } from './in-memory';

type Row = ChannelColumns & { user_id: string; account_id: string };

const row = (): Row => ({
  id: 'c1',
  user_id: 'alice',
  account_id: 'a1',
  chat_id: '-1001',
  title: 'News',
  type: 'channel',
  username: null,
  ...freshChannel(new Date('2026-01-01T00:00:00Z')),
});

describe('channels in the kit', () => {
  it('shows a row as the API does, via its bot or account', () => {
    expect(toChannel(row(), { type: 'account', id: 'a1' })).toEqual({
      id: 'c1',
      chatId: '-1001',
      title: 'News',
      type: 'channel',
      username: null,
      via: { type: 'account', id: 'a1' },
      canPost: true,
      status: 'active',
      isActive: true,
      label: null,
      lastCheckedAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(channelFilter({ q: '@news' }).search).toEqual({
      text: 'news',
      columns: ['title', 'username', 'chat_id'],
    });
  });

  it('pauses a channel with its event, and announces nothing for a patch that changes nothing', async () => {
    const channels = new InMemoryOwnedRows<Row>('channels').seed(row());
    let kicks = 0;
    const deps = {
      channels,
      messaging: {
        makeEnvelope: <T>(type: string, data: T) => makeEnvelope('kit', type, data, { userId: 'alice' }),
      },
      relay: { kick: () => void (kicks += 1) },
    };
    const via = { type: 'account' as const, id: 'a1' };
    const paused = await updateChannel(deps, row(), { isActive: false }, via, { userId: 'alice' });
    expect(paused.is_active).toBe(0);
    expect(channels.outbox.events).toMatchObject([
      { type: 'telegram.channel.paused', data: { userId: 'alice', channelId: 'c1', via, isActive: false } },
    ]);
    await updateChannel(deps, paused, { isActive: false }, via, { userId: 'alice' });
    expect(channels.outbox.events).toHaveLength(1);
    expect(kicks).toBe(2);
  });
});
