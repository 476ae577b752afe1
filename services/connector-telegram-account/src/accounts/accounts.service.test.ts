import { InMemoryMessageStore, RecordingOutbox } from '@integrations/connector-kit';
import type { MessageContext } from '@integrations/messaging';
import type { AccountMessageRow } from '../messages/messages.ledger';
import {
  FakeAccounts,
  FakeChannels,
  Kicks,
  channelRow,
  messaging,
  quietLogger,
  sessionRow,
} from '../testing/fakes';
import { AccountsService } from './accounts.service';

const ctx: MessageContext = { userId: 'alice' };

function setUp() {
  const outbox = new RecordingOutbox();
  const accounts = new FakeAccounts(outbox).seed(
    sessionRow({ id: 'a1', user_id: 'alice', phone_enc: '+15550000001' }),
    sessionRow({ id: 'a2', user_id: 'alice', status: 'revoked' }),
    sessionRow({ id: 'b1', user_id: 'bob' }),
  );
  const channels = new FakeChannels(outbox).seed(
    channelRow({ id: 'c1', user_id: 'alice', account_id: 'a1' }),
    channelRow({ id: 'c2', user_id: 'alice', account_id: 'a1' }),
  );
  accounts.channels = channels;
  const messages = new InMemoryMessageStore<AccountMessageRow>();
  const calls: string[] = [];
  const kicks = new Kicks();
  const service = new AccountsService({
    accounts,
    channels,
    messages,
    live: {
      get: () => undefined,
      start: async (row) => {
        calls.push(`start ${row.id}`);
        return {} as never;
      },
      stop: async (id) => void calls.push(`stop ${id}`),
      call: async (id) => {
        calls.push(`logout ${id}`);
        return {} as never;
      },
    },
    sender: { forget: (id) => void calls.push(`forget ${id}`) },
    messaging,
    relay: kicks,
    logger: quietLogger(),
  });
  return { service, accounts, outbox, messages, calls, kicks };
}

describe('AccountsService (in memory)', () => {
  it('removes an account: logged out at Telegram, its channels announced removed with it, then the account', async () => {
    const { service, accounts, outbox, calls } = setUp();
    await service.remove({ userId: 'alice', admin: false }, 'a1', ctx);
    expect(calls).toEqual(['start a1', 'logout a1', 'stop a1', 'forget a1']);
    expect(accounts.rows.has('a1')).toBe(false);
    expect(outbox.events.map((event) => [event.type, (event as { data?: unknown }).data])).toEqual([
      ['telegram.channel.removed', { userId: 'alice', channelId: 'c1' }],
      ['telegram.channel.removed', { userId: 'alice', channelId: 'c2' }],
      ['telegram.account.disconnected', { userId: 'alice', accountId: 'a1', reason: 'removed' }],
    ]);
  });

  it("answers another user's account as missing and changes nothing", async () => {
    const { service, accounts, outbox } = setUp();
    await expect(service.remove({ userId: 'mallory', admin: false }, 'a1', ctx)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(accounts.rows.size).toBe(3);
    expect(outbox.events).toEqual([]);
  });

  it('reveals the full phone to its owner only, announcing it first', async () => {
    const { service, outbox } = setUp();
    const account = await service.get({ userId: 'alice', admin: false }, { id: 'a1', reveal: 'phone' }, ctx);
    expect(account).toMatchObject({ id: 'a1', fullPhone: '+15550000001' });
    expect(outbox.types()).toEqual(['telegram.account.phone_revealed']);
    await expect(
      service.get({ userId: 'admin', admin: true }, { id: 'a1', reveal: 'phone' }, { userId: 'admin' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('pauses an account: its client stopped and the change announced', async () => {
    const { service, accounts, outbox, calls } = setUp();
    const paused = await service.update(
      { userId: 'alice', admin: false },
      { id: 'a1', isActive: false },
      ctx,
    );
    expect(paused.isActive).toBe(false);
    expect(accounts.rows.get('a1')!.is_active).toBe(0);
    expect(calls).toEqual(['stop a1']);
    expect(outbox.types()).toEqual(['telegram.account.paused']);
  });

  it('purges a user: each account removed, their messages erased, the counts announced; a repeat answers zeros', async () => {
    const { service, accounts, messages } = setUp();
    messages.rows.set('m1', { id: 'm1', user_id: 'alice' } as AccountMessageRow);
    messages.rows.set('m2', { id: 'm2', user_id: 'bob' } as AccountMessageRow);
    const purge = await service.purgeUser('alice', ctx);
    expect(purge).toMatchObject({ userId: 'alice', counts: { accounts: 2, channels: 2, messages: 1 } });
    expect([...accounts.rows.keys()]).toEqual(['b1']);
    expect([...messages.rows.keys()]).toEqual(['m2']);
    expect(messages.events.map((event) => event.type)).toEqual(['platform.user.purged']);
    expect(await service.purgeUser('alice', ctx)).toMatchObject({
      counts: { accounts: 0, channels: 0, messages: 0 },
    });
  });
});
