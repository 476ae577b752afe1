import { lostConnection } from '@integrations/testing';
import { DomainError, type Envelope } from '@integrations/contracts';
import type { HandedOffEvent, OutboxEnvelope } from '@integrations/persistence';
import { Registry } from 'prom-client';
import { MessageLedger } from './message-ledger';
import { InMemoryMessageStore } from './in-memory';
import type { LedgerRow, LedgerValues } from './messages.repository';
import { idFromKey, messageIdOf } from './message-id';

type Row = LedgerRow & { account_id: string; recipient: string };

/**
 * The ledger's store in memory: the same answers as the SQL one, the events it enqueued and their leases. `failures`
 * settles fail before writing anything, `lostAnswers` fail after writing (a commit whose answer was lost).
 */
class FakeStore extends InMemoryMessageStore<Row> {
  readonly leases: Array<number | undefined> = [];
  settles = 0;
  failures = 0;
  lostAnswers = 0;
  /** Settles that meet their own event, written by a commit whose answer was lost (MariaDB's ER_DUP_ENTRY). */
  duplicates = 0;
  override async settle(
    id: string,
    patch: Partial<Row>,
    event: OutboxEnvelope,
    whileSending: boolean,
    leaseMs?: number,
  ): Promise<boolean> {
    this.settles += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw lostConnection('connection lost');
    }
    const moved = await super.settle(id, patch, event, whileSending, leaseMs);
    if (moved) this.leases.push(leaseMs);
    if (this.duplicates > 0) {
      this.duplicates -= 1;
      throw Object.assign(new Error(`Duplicate entry '${event.id}' for key 'event_id'`), {
        code: 'ER_DUP_ENTRY',
      });
    }
    if (this.lostAnswers > 0) {
      this.lostAnswers -= 1;
      throw lostConnection('connection lost after the commit');
    }
    return moved;
  }
}

const envelope = (userid: string, idempotencykey?: string): Envelope =>
  ({ id: 'e', type: 'x', userid, ...(idempotencykey ? { idempotencykey } : {}) }) as unknown as Envelope;

/** `leaseMs`: the relay takes hand-offs, leased for that long (undefined while it is catching up). */
function setUp(handOffs?: { leaseMs: number | undefined }) {
  const store = new FakeStore();
  const registry = new Registry();
  const kicks: number[] = [];
  const handedOff: HandedOffEvent[] = [];
  const warnings: string[] = [];
  const kick = () => void kicks.push(1);
  const deps = {
    messaging: {
      makeEnvelope: (type: string, data: unknown) =>
        ({ id: `${type}#${store.events.length}`, type, data }) as never,
    },
    relay: handOffs
      ? {
          kick,
          leaseMs: () => handOffs.leaseMs,
          handOff: (events: readonly HandedOffEvent[]) => void handedOff.push(...events),
        }
      : { kick },
    registry,
    logger: { warn: (message: string) => void warnings.push(message) },
  };
  const ledger = new MessageLedger<Row>(deps, {
    repository: store,
    typeOf: () => 'account',
    chatOf: (row) => row.recipient,
    via: (row) => ({ type: 'account', id: row.account_id }),
    chatTitleOf: (row) => (row.recipient.startsWith('@') ? row.recipient : undefined),
  });
  const values = (id: string, userId = 'u1'): LedgerValues<Row> =>
    ledger.valuesOf(id, envelope(userId), ledger.requestOf({ text: 'hi' }), {
      account_id: 'a1',
      recipient: '@friend',
      channel_id: null,
      chat_id: null,
    });
  /** A send accepted, claimed, and settled as sent (as Telegram took it). */
  const sendAndSettle = async (id: string) => {
    const { inserted } = (await ledger.accept(values(id))) as { inserted: Row };
    await ledger.claim(id);
    const sent = { chatId: '42', sentAt: new Date(), patch: { chat_id: '42' } };
    return ledger.settleSent(inserted, sent, ledger.contextOf(inserted));
  };
  return { store, registry, kicks, handedOff, warnings, ledger, values, sendAndSettle };
}

const messageIdOfEvent = (event: OutboxEnvelope) =>
  (event as { data?: { messageId?: string } }).data?.messageId;

const metric = async (registry: Registry, name: string) =>
  (await registry.getSingleMetric(name)?.get())?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;

describe('message id rule', () => {
  it('keeps the given id, derives a stable one from the idempotency key, or makes a new one', () => {
    expect(messageIdOf('m1', envelope('u1', 'key'))).toBe('m1');
    const derived = messageIdOf(undefined, envelope('u1', 'key'));
    expect(derived).toMatch(/^k[0-9a-f]{40}$/);
    expect(messageIdOf(undefined, envelope('u1', 'key'))).toBe(derived);
    // The key is the user's: another user's same key is another message.
    expect(idFromKey(envelope('u2', 'key'))).not.toBe(derived);
    expect(messageIdOf(undefined, envelope('u1'))).not.toBe(messageIdOf(undefined, envelope('u1')));
  });
});

describe('MessageLedger', () => {
  it('accepts a new id, answers a repeat with the first attempt, and refuses another user the id', async () => {
    const { ledger, values } = setUp();
    const first = await ledger.accept(values('m1'));
    expect(first).toEqual({ inserted: expect.objectContaining({ id: 'm1', status: 'queued' }) });
    expect(await ledger.accept(values('m1'))).toEqual({
      existing: expect.objectContaining({ id: 'm1', user_id: 'u1' }),
    });
    await expect(ledger.accept(values('m1', 'u2'))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('shows `sending` as queued and the recipient until the platform names the chat', async () => {
    const { ledger, values } = setUp();
    await ledger.accept(values('m1'));
    expect(await ledger.claim('m1')).toBe(true);
    expect(await ledger.get({ userId: 'u1', admin: false }, 'm1')).toEqual({
      id: 'm1',
      status: 'queued',
      chatId: '@friend',
    });
    await expect(ledger.get({ userId: 'u2', admin: false }, 'm1')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('claims a queued row once', async () => {
    const { ledger, values } = setUp();
    await ledger.accept(values('m1'));
    expect(await ledger.claim('m1')).toBe(true);
    expect(await ledger.claim('m1')).toBe(false);
    await ledger.requeue('m1');
    expect(await ledger.claim('m1')).toBe(true);
  });

  it('queues a send again once the database takes it, should the first write fail', async () => {
    const { ledger, values, store, warnings } = setUp();
    await ledger.accept(values('m1'));
    await ledger.claim('m1');
    const requeue = store.requeue.bind(store);
    jest
      .spyOn(store, 'requeue')
      .mockRejectedValueOnce(lostConnection('connection lost'))
      .mockImplementation(requeue);
    await ledger.requeue('m1');
    expect(store.rows.get('m1')?.status).toBe('queued');
    expect(warnings).toEqual(['queueing a send again failed; writing it again']);
  });

  it('settles as sent with its event, erasing the request', async () => {
    const { ledger, values, store, kicks, registry } = setUp();
    const { inserted } = (await ledger.accept(values('m1'))) as { inserted: Row };
    await ledger.claim('m1');
    const sentAt = new Date('2026-01-01T00:00:00Z');
    const outcome = await ledger.settleSent(
      inserted,
      { chatId: '42', telegramMessageId: '7', sentAt, patch: { chat_id: '42' } },
      ledger.contextOf(inserted),
    );
    expect(outcome).toEqual({
      message: {
        id: 'm1',
        status: 'sent',
        chatId: '42',
        telegramMessageId: '7',
        sentAt: sentAt.toISOString(),
      },
    });
    expect(store.rows.get('m1')).toMatchObject({ status: 'sent', request: null, chat_id: '42' });
    expect(store.events).toEqual([
      expect.objectContaining({
        type: 'telegram.message.sent',
        data: expect.objectContaining({
          messageId: 'm1',
          via: { type: 'account', id: 'a1' },
          chatId: '42',
          text: 'hi',
          chatTitle: '@friend',
        }),
      }),
    ]);
    expect(kicks).toHaveLength(1);
    expect(await metric(registry, 'telegram_messages_sent_total')).toBe(1);
  });

  it('hands a settled event to a relay that takes hand-offs, leased to it, rather than kicking the relay', async () => {
    const handOffs: { leaseMs: number | undefined } = { leaseMs: 60_000 };
    const { ledger, values, store, kicks, handedOff, sendAndSettle } = setUp(handOffs);
    await sendAndSettle('m1');
    expect(store.leases).toEqual([60_000]);
    expect(handedOff).toEqual([
      { envelope: store.events[0], exchange: 'events', routingKey: 'telegram.message.sent' },
    ]);
    expect(kicks).toEqual([]);

    // A settlement that changes nothing writes no event and hands off nothing.
    const error = new DomainError('TELEGRAM_UNAVAILABLE', 'down');
    const { inserted } = (await ledger.accept(values('m2'))) as { inserted: Row };
    expect(
      await ledger.settleFailed(inserted, error, ledger.contextOf(inserted), { whileSending: true }),
    ).toBe(false);
    expect(handedOff).toHaveLength(1);

    // The relay catching up after a failed publish: the row is written unleased and the relay kicked.
    handOffs.leaseMs = undefined;
    await sendAndSettle('m3');
    expect(store.leases).toEqual([60_000, undefined]);
    expect(handedOff).toHaveLength(1);
    expect(kicks).toHaveLength(1);
  });

  it('writes an outcome again until it commits, and once only when a commit’s answer was lost', async () => {
    const { ledger, values, store, warnings, handedOff, sendAndSettle } = setUp({ leaseMs: 60_000 });

    // The database fails twice before the write goes through: the caller is answered `sent` once it did.
    store.failures = 2;
    expect((await sendAndSettle('m1')).message.status).toBe('sent');
    expect(store.rows.get('m1')?.status).toBe('sent');
    expect(store.settles).toBe(3);
    expect(warnings).toHaveLength(2);
    expect(store.events.map(messageIdOfEvent)).toEqual(['m1']);

    // The commit went through and its answer was lost: the next try finds it recorded and writes no second event.
    store.lostAnswers = 1;
    await sendAndSettle('m2');
    expect(store.rows.get('m2')?.status).toBe('sent');
    expect(store.settles).toBe(4);
    expect(store.events.map(messageIdOfEvent)).toEqual(['m1', 'm2']);
    // Its event, committed leased to this process, is handed off by the try that found it.
    expect(handedOff.map((event) => messageIdOfEvent(event.envelope))).toEqual(['m1', 'm2']);

    // A failure Telegram answered is recorded the same way, once: the try after a lost answer finds its event.
    const { inserted } = (await ledger.accept(values('m3'))) as { inserted: Row };
    await ledger.claim('m3');
    store.failures = 1;
    store.lostAnswers = 1;
    const error = new DomainError('TELEGRAM_CHAT_NOT_FOUND', 'no such chat');
    expect(
      await ledger.settleFailed(inserted, error, ledger.contextOf(inserted), { whileSending: true }),
    ).toBe(true);
    expect(store.rows.get('m3')).toMatchObject({ status: 'failed', error_code: 'TELEGRAM_CHAT_NOT_FOUND' });
    expect(store.events.map(messageIdOfEvent)).toEqual(['m1', 'm2', 'm3']);
    expect(store.settles).toBe(6);
    expect(handedOff.map((event) => messageIdOfEvent(event.envelope))).toEqual(['m1', 'm2', 'm3']);
  });

  it('stops writing a failed record again once the service is stopping, leaving the row to recovery', async () => {
    const { ledger, store, warnings, sendAndSettle } = setUp();
    await ledger.drain(true);
    store.failures = 1;
    await expect(sendAndSettle('m1')).rejects.toThrow('connection lost');
    expect(store.settles).toBe(1);
    expect(warnings).toEqual([]);
    expect(store.rows.get('m1')?.status).toBe('sending');
  });

  it('takes a settle that meets its own event for the commit it is (a group write retried item by item)', async () => {
    const { store, warnings, handedOff, sendAndSettle } = setUp({ leaseMs: 60_000 });
    store.duplicates = 1;
    expect((await sendAndSettle('m1')).message.status).toBe('sent');
    expect(store.settles).toBe(1);
    expect(warnings).toEqual([]);
    expect(store.events.map(messageIdOfEvent)).toEqual(['m1']);
    expect(handedOff.map((event) => messageIdOfEvent(event.envelope))).toEqual(['m1']);
  });

  it('throws at once an error that another try would meet again, recording nothing', async () => {
    const { store, warnings, sendAndSettle } = setUp();
    jest
      .spyOn(store, 'settle')
      .mockRejectedValueOnce(Object.assign(new Error('Data too long'), { code: 'ER_DATA_TOO_LONG' }));
    await expect(sendAndSettle('m1')).rejects.toThrow('Data too long');
    expect(store.settles).toBe(0);
    expect(warnings).toEqual([]);
    expect(store.rows.get('m1')?.status).toBe('sending');
  });

  it('settles as failed only while sending when asked, with one event', async () => {
    const { ledger, values, store, registry } = setUp();
    const { inserted } = (await ledger.accept(values('m1'))) as { inserted: Row };
    const error = new DomainError('TELEGRAM_UNAVAILABLE', 'down');
    // Not claimed: a settlement of a row that moved on changes nothing.
    expect(
      await ledger.settleFailed(inserted, error, ledger.contextOf(inserted), { whileSending: true }),
    ).toBe(false);
    expect(store.events).toEqual([]);
    await ledger.claim('m1');
    expect(
      await ledger.settleFailed(inserted, error, ledger.contextOf(inserted), {
        whileSending: true,
        keepRequest: true,
      }),
    ).toBe(true);
    expect(store.rows.get('m1')).toMatchObject({
      status: 'failed',
      error_code: 'TELEGRAM_UNAVAILABLE',
      request: inserted.request,
    });
    expect(store.events.map((e) => e.type)).toEqual(['telegram.message.failed']);
    expect(await metric(registry, 'telegram_messages_error_total')).toBe(1);
    expect(ledger.failure(inserted, error)).toEqual({
      message: {
        id: 'm1',
        status: 'failed',
        chatId: '@friend',
        error: { code: 'TELEGRAM_UNAVAILABLE', detail: 'down' },
      },
      error,
    });
    // A retryable failure may be queued again, once.
    expect(await ledger.requeueFailed('m1', { text: 'hi' })).toBe(true);
    expect(await ledger.requeueFailed('m1', { text: 'hi' })).toBe(false);
    expect(await ledger.unsettled(['queued'])).toEqual([{ id: 'm1', user_id: 'u1' }]);
  });

  it('times a delivery under its type', async () => {
    const { ledger, values, registry } = setUp();
    const { inserted } = (await ledger.accept(values('m1'))) as { inserted: Row };
    ledger.timeSend(inserted)();
    const timed = await registry.getSingleMetric('telegram_send_duration_seconds')?.get();
    expect(timed?.values).toContainEqual(
      expect.objectContaining({
        metricName: 'telegram_send_duration_seconds_count',
        value: 1,
        labels: { type: 'account' },
      }),
    );
  });

  it('drains the deliveries in flight', async () => {
    const { ledger } = setUp();
    let finish = (): void => undefined;
    let done = false;
    void ledger.track(
      new Promise<void>((resolve) => {
        finish = resolve;
      }).then(() => {
        done = true;
      }),
    );
    const drained = ledger.drain().then(() => done);
    finish();
    await expect(drained).resolves.toBe(true);
  });
});
