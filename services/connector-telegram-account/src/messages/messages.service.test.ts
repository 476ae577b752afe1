import { lostConnection } from '@integrations/testing';
import { InMemoryMessageStore, RecordingOutbox } from '@integrations/connector-kit';
import { DomainError, type Envelope } from '@integrations/contracts';
import { makeEnvelope } from '@integrations/messaging';
import { createMetricsRegistry } from '@integrations/observability';
import { AccountChannelsService } from '../channels/channels.service';
import type { LiveClients } from '../telegram/live-clients';
import type { TelegramCalls } from '../telegram/telegram-calls';
import {
  FakeAccounts,
  FakeChannels,
  Kicks,
  channelRow,
  messaging,
  quietLogger,
  sessionRow,
} from '../testing/fakes';
import type { AccountSent, SendTarget } from './account-sender';
import type { SessionRow } from '../accounts/accounts.repository';
import { ACCOUNT_SENDERS, accountMessageLedger, type AccountMessageRow } from './messages.ledger';
import { AccountMessagesService } from './messages.service';

/** GramJS raises Telegram's RPC errors with `errorMessage`. */
const rpc = (code: number, errorMessage: string) =>
  Object.assign(new Error(errorMessage), { code, errorMessage });

const command = (userId: string, idempotencyKey?: string): Envelope =>
  makeEnvelope('api', 'telegram.account.send', {}, { userId, ...(idempotencyKey ? { idempotencyKey } : {}) });

function setUp() {
  const outbox = new RecordingOutbox();
  const accounts = new FakeAccounts(outbox).seed(
    sessionRow({ id: 'a1', user_id: 'alice' }),
    sessionRow({ id: 'gone', user_id: 'alice', status: 'revoked' }),
    sessionRow({ id: 'paused', user_id: 'alice', is_active: 0 }),
  );
  const channelRows = new FakeChannels(outbox).seed(
    channelRow({ id: 'c1', user_id: 'alice', account_id: 'a1' }),
    channelRow({ id: 'c-paused', user_id: 'alice', account_id: 'paused' }),
    channelRow({ id: 'c-orphan', user_id: 'alice', account_id: 'removed' }),
  );
  const store = new InMemoryMessageStore<AccountMessageRow, SessionRow>({
    rows: accounts,
    ...ACCOUNT_SENDERS,
  });
  const kicks = new Kicks();
  const ledger = accountMessageLedger(
    {
      messaging,
      relay: kicks,
      registry: createMetricsRegistry({ service: 'test', defaultMetrics: false }),
      logger: { warn: () => undefined },
    },
    store,
  );
  /** What Telegram answers each send (a value or an error to throw), and what was sent where. */
  const telegram: {
    answer: () => AccountSent;
    sent: Array<{ accountId: string; target: SendTarget; id: string }>;
  } = {
    answer: () => ({ chatId: '42', telegramMessageId: '1001', date: new Date('2026-01-02T00:00:00Z') }),
    sent: [],
  };
  const failed: Array<{ id: string; code: string }> = [];
  const stopped: string[] = [];
  const live = {
    ready: async () => ({}) as never,
    failed: async (row: { id: string }, error: DomainError) =>
      void failed.push({ id: row.id, code: error.code }),
    stop: async (id: string) => void stopped.push(id),
  };
  const channels = new AccountChannelsService({
    accounts,
    channels: channelRows,
    live: live as unknown as LiveClients,
    calls: {} as TelegramCalls,
    messaging,
    relay: kicks,
  });
  const service = new AccountMessagesService({
    accounts,
    channelRows,
    live,
    sender: {
      send: async (accountId, _ready, target, id) => {
        telegram.sent.push({ accountId, target, id });
        return telegram.answer();
      },
    },
    channels,
    logger: quietLogger(),
    ledger,
  });
  return { service, store, outbox, accounts, channelRows, channels, telegram, failed, stopped };
}

describe('AccountMessagesService (in memory)', () => {
  it('sends as the account and settles the row as sent with its event', async () => {
    const { service, store, telegram } = setUp();
    const message = await service.send(
      { userId: 'alice', admin: false },
      { accountId: 'a1', to: '@bob', text: 'hi' },
      command('alice'),
    );
    expect(message).toMatchObject({ status: 'sent', chatId: '42', telegramMessageId: '1001' });
    expect(telegram.sent).toEqual([{ accountId: 'a1', target: '@bob', id: message.id }]);
    const row = store.rows.get(message.id)!;
    expect(row).toMatchObject({ status: 'sent', chat_id: '42', account_id: 'a1', recipient: '@bob' });
    expect(store.events.map((event) => event.type)).toEqual(['telegram.message.sent']);
  });

  it('answers a send Telegram took as sent, and records it sent, when the database fails to write it at first', async () => {
    const { service, store, telegram } = setUp();
    const settle = store.settle.bind(store);
    jest
      .spyOn(store, 'settle')
      .mockRejectedValueOnce(lostConnection())
      .mockImplementation((...args) => settle(...args));
    const caller = { userId: 'alice', admin: false };
    const message = await service.send(caller, { accountId: 'a1', to: '@bob', text: 'hi' }, command('alice'));
    expect(message).toMatchObject({ status: 'sent', telegramMessageId: '1001' });
    expect(store.rows.get(message.id)).toMatchObject({ status: 'sent', telegram_message_id: '1001' });
    expect(store.events.map((event) => event.type)).toEqual(['telegram.message.sent']);
    expect(telegram.sent).toHaveLength(1);
  });

  it('reads the account, and a channel send its channel, once per synchronous send (delivery reuses the rows)', async () => {
    const { service, accounts, channelRows } = setUp();
    const accountReads = jest.spyOn(accounts, 'byId');
    const channelReads = jest.spyOn(channelRows, 'byId');
    const caller = { userId: 'alice', admin: false };
    await service.send(caller, { accountId: 'a1', to: '@bob', text: 'hi' }, command('alice'));
    expect(accountReads).toHaveBeenCalledTimes(1);
    await service.sendViaChannel(caller, { channelId: 'c1', text: 'one' }, command('alice'));
    expect(accountReads).toHaveBeenCalledTimes(2);
    expect(channelReads).toHaveBeenCalledTimes(1);
  });

  it('stores a fresh send already claimed: no separate claim before it is sent', async () => {
    const { service, store } = setUp();
    const claims = jest.spyOn(store, 'claim');
    const inserted: string[] = [];
    const insert = store.insert.bind(store);
    jest.spyOn(store, 'insert').mockImplementation(async (values) => {
      inserted.push(values.status);
      return insert(values);
    });
    const caller = { userId: 'alice', admin: false };
    const message = await service.send(caller, { accountId: 'a1', to: '@bob', text: 'hi' }, command('alice'));
    expect(message.status).toBe('sent');
    expect(inserted).toEqual(['sending']);
    expect(claims).not.toHaveBeenCalled();
    // A crash before Telegram answers leaves it `sending`: recovered like any cut-off send (see below).
  });

  it('reads the account again for a recovered send (it may have been paused since it was accepted)', async () => {
    const { service, store, accounts, telegram } = setUp();
    const queued = await service.send(
      { userId: 'alice', admin: false },
      { accountId: 'a1', to: '@bob', text: 'hi', async: true },
      command('alice'),
    );
    await service.drain();
    accounts.rows.set('a1', { ...accounts.rows.get('a1')!, is_active: 0 });
    store.rows.set(queued.id, { ...store.rows.get(queued.id)!, status: 'queued', sent_at: null });
    telegram.sent.length = 0;
    expect(await service.recover()).toBe(1);
    await service.drain();
    expect(telegram.sent).toEqual([]);
    expect(store.rows.get(queued.id)).toMatchObject({ status: 'failed', error_code: 'INTEGRATION_PAUSED' });
  });

  it('answers a repeated idempotency key with the first send, sending once', async () => {
    const { service, telegram } = setUp();
    const caller = { userId: 'alice', admin: false };
    const data = { accountId: 'a1', to: '@bob', text: 'hi' };
    const first = await service.send(caller, data, command('alice', 'key-1'));
    const again = await service.send(caller, data, command('alice', 'key-1'));
    expect(again.id).toBe(first.id);
    expect(telegram.sent).toHaveLength(1);
  });

  it("refuses another user's, a revoked and a paused account before storing anything", async () => {
    const { service, store } = setUp();
    const send = (userId: string, accountId: string) =>
      service.send({ userId, admin: false }, { accountId, to: '@bob', text: 'hi' }, command(userId));
    await expect(send('mallory', 'a1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(send('alice', 'gone')).rejects.toMatchObject({ code: 'TELEGRAM_SESSION_REVOKED' });
    await expect(send('alice', 'paused')).rejects.toMatchObject({ code: 'INTEGRATION_PAUSED' });
    expect(store.rows.size).toBe(0);
  });

  it('refuses a channel send through a paused or missing account, storing nothing', async () => {
    const { service, store } = setUp();
    const viaChannel = (channelId: string) =>
      service.sendViaChannel({ userId: 'alice', admin: false }, { channelId, text: 'hi' }, command('alice'));
    await expect(viaChannel('c-paused')).rejects.toMatchObject({ code: 'INTEGRATION_PAUSED' });
    await expect(viaChannel('c-orphan')).rejects.toMatchObject({ code: 'TELEGRAM_SESSION_REVOKED' });
    expect(store.rows.size).toBe(0);
  });

  it("maps Telegram's refusal to a 422 and settles the row as failed with its event", async () => {
    const { service, store, telegram } = setUp();
    telegram.answer = () => {
      throw rpc(400, 'USERNAME_NOT_OCCUPIED');
    };
    await expect(
      service.send(
        { userId: 'alice', admin: false },
        { accountId: 'a1', to: '@nobody', text: 'hi' },
        command('alice'),
      ),
    ).rejects.toMatchObject({ code: 'TELEGRAM_PEER_NOT_FOUND', status: 422 });
    const [row] = [...store.rows.values()];
    expect(row).toMatchObject({ status: 'failed', error_code: 'TELEGRAM_PEER_NOT_FOUND', request: null });
    expect(store.events.map((event) => event.type)).toEqual(['telegram.message.failed']);
  });

  it('marks the account when Telegram ended its session', async () => {
    const { service, telegram, failed } = setUp();
    telegram.answer = () => {
      throw rpc(401, 'AUTH_KEY_UNREGISTERED');
    };
    await expect(
      service.send(
        { userId: 'alice', admin: false },
        { accountId: 'a1', to: '@bob', text: 'hi' },
        command('alice'),
      ),
    ).rejects.toMatchObject({ code: 'TELEGRAM_SESSION_REVOKED' });
    expect(failed).toEqual([{ id: 'a1', code: 'TELEGRAM_SESSION_REVOKED' }]);
  });

  it('sends to a channel through its stored peer, and marks the channel once when it may no longer write', async () => {
    const { service, telegram, channelRows, outbox } = setUp();
    const caller = { userId: 'alice', admin: false };
    const sent = await service.sendViaChannel(caller, { channelId: 'c1', text: 'one' }, command('alice'));
    expect(sent.status).toBe('sent');
    expect(telegram.sent[0]!.target).toEqual({ type: 'channel', id: 'c1', accessHash: '7' });
    telegram.answer = () => {
      throw rpc(403, 'CHAT_WRITE_FORBIDDEN');
    };
    await expect(
      service.sendViaChannel(caller, { channelId: 'c1', text: 'two' }, command('alice')),
    ).rejects.toMatchObject({
      code: 'TELEGRAM_WRITE_FORBIDDEN',
    });
    expect(channelRows.rows.get('c1')).toMatchObject({ status: 'write_forbidden', can_post: 0 });
    expect(outbox.types()).toEqual(['telegram.channel.write_forbidden']);
  });

  it('records a refused post as failed even when marking its channel fails', async () => {
    const { service, store, channels, telegram } = setUp();
    jest.spyOn(channels, 'markWriteForbidden').mockRejectedValueOnce(lostConnection());
    telegram.answer = () => {
      throw rpc(403, 'CHAT_WRITE_FORBIDDEN');
    };
    const caller = { userId: 'alice', admin: false };
    await expect(
      service.sendViaChannel(
        caller,
        { channelId: 'c1', text: 'two', messageId: 'm-denied' },
        command('alice'),
      ),
    ).rejects.toMatchObject({ code: 'TELEGRAM_WRITE_FORBIDDEN' });
    expect(store.rows.get('m-denied')).toMatchObject({
      status: 'failed',
      error_code: 'TELEGRAM_WRITE_FORBIDDEN',
    });
    expect(store.events.map((event) => event.type)).toEqual(['telegram.message.failed']);
  });

  it('sends again, on recovery, a row a crash left sending (Telegram refuses its repeated random_id)', async () => {
    const { service, store, telegram } = setUp();
    // A crash between claim and outcome: the row stays `sending`.
    store.rows.set('m1', {
      id: 'm1',
      user_id: 'alice',
      account_id: 'a1',
      recipient: '@bob',
      channel_id: null,
      chat_id: null,
      request: JSON.stringify({ text: 'hi' }),
      context: null,
      status: 'sending',
      telegram_message_id: null,
      error_code: null,
      error_detail: null,
      sent_at: null,
      created_at: new Date(),
      updated_at: new Date(),
    });
    telegram.answer = () => ({ chatId: '42', date: new Date() });
    expect(await service.recover()).toBe(1);
    await service.drain();
    expect(telegram.sent.map((send) => send.id)).toEqual(['m1']);
    expect(store.rows.get('m1')).toMatchObject({ status: 'sent', telegram_message_id: null });
  });
});
