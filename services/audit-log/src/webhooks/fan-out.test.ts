import type { Envelope } from '@integrations/contracts';
import { Messaging } from '@integrations/messaging';
import { createDb } from '@integrations/persistence';
import {
  createTestDatabase,
  infra,
  createTestVhost,
  rabbitManagement,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@integrations/testing';
import { randomUUID } from 'node:crypto';
import type { AuditLogService } from '../app';
import { startTestAuditLog } from '../testing/start';
import type { AuditDatabase } from '../db/schema';
import { EventBatchWriter } from '../logs/event-batch';

/**
 * Webhook deliveries are made in the trail's group commit, and the webhooks' own queue of earlier versions is
 * drained into it on upgrade, then deleted.
 */
describe('webhook fan-out in the audit trail', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let service: AuditLogService | undefined;
  let client: Messaging;
  const webhookId = randomUUID();
  const start = async () => {
    // The dispatcher is not under test: the deliveries stay in the table.
    service = await startTestAuditLog(database, vhost, { WEBHOOK_POLL_MS: '3600000' });
    return service;
  };
  const sent = (userId: string, messageId: string) =>
    client.makeEnvelope(
      'telegram.message.sent',
      {
        userId,
        messageId,
        via: { type: 'bot', id: 'bot-1' },
        chatId: '-100',
        telegramMessageId: '7',
        sentAt: new Date().toISOString(),
      },
      { userId },
    );
  const removedBot = (userId: string) =>
    client.makeEnvelope('telegram.bot.removed', { userId, botId: 'bot-1' }, { userId });
  const deliveriesOf = async (db: AuditLogService['db'], eventIds: string[]) =>
    db
      .selectFrom('webhook_deliveries')
      .select(['webhook_id', 'event_id'])
      .where('event_id', 'in', eventIds)
      .orderBy('event_id')
      .execute();
  const logged = async (db: AuditLogService['db'], eventId: string) =>
    (await db.selectFrom('integration_logs').select('id').where('event_id', '=', eventId).execute()).length;
  const queuePath = (queue: string) =>
    `/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent(queue)}`;
  const queueExists = async (queue: string) =>
    (await rabbitManagement<{ name?: string }>('GET', queuePath(queue))).name === queue;

  beforeAll(async () => {
    [database, vhost] = await Promise.all([
      createTestDatabase('audit_fanout'),
      createTestVhost('audit-fanout'),
    ]);
    client = await Messaging.connect({ url: vhost.url, service: 'test-client' });
    const { db } = await start();
    await db
      .insertInto('webhooks')
      .values({
        id: webhookId,
        user_id: 'alice',
        url: 'http://127.0.0.1:9/hook',
        events: JSON.stringify(['telegram.message.*']),
        secret_enc: 'not used here',
        secret_key_version: 1,
      })
      .execute();
  });
  afterAll(async () => {
    await client?.close();
    await service?.close();
    await Promise.all([database?.drop(), vhost?.delete()]);
  });

  it('makes one delivery per matching event of the owner, however often its batch is delivered', async () => {
    const db = service!.db;
    const mine = sent('alice', 'm-1');
    const batch: Envelope[] = [mine, removedBot('alice'), sent('bob', 'm-2')];
    let trips = 0;
    // The writer on a database handle of its own, whose log counts the queries (round trips) it sends.
    const counted = createDb<AuditDatabase>({
      url: infra.mysqlUrl,
      database: database.name,
      poolSize: 1,
      log: (event) => {
        if (event.level === 'query') trips += 1;
      },
    });
    const writer = new EventBatchWriter(counted, () => undefined);
    // The log entries and the webhook lookup in one trip; the delivery in a second.
    await writer.write(batch);
    expect(trips).toBe(2);
    await writer.write(batch); // the same batch redelivered
    await writer.write([batch[1]!, mine]); // and part of it again, batched differently
    // Nothing of bob's matches a webhook: his events cost one trip.
    trips = 0;
    await writer.write([sent('bob', 'm-5'), removedBot('bob')]);
    expect(trips).toBe(1);
    await counted.destroy();
    expect(
      await deliveriesOf(
        db,
        batch.map((e) => e.id),
      ),
    ).toEqual([{ webhook_id: webhookId, event_id: mine.id }]);
    for (const envelope of batch) expect(await logged(db, envelope.id)).toBe(1);
  });

  it('makes them from the events queue, an event delivered twice making one', async () => {
    const db = service!.db;
    const twice = sent('alice', 'm-3');
    const after = sent('alice', 'm-3b');
    await client.publishEnvelope('events', twice.type, twice);
    await client.publishEnvelope('events', twice.type, twice);
    await client.publishEnvelope('events', after.type, after);
    // The group commit writes its batches one after another, in the queue's order: once the event published
    // after both copies has its delivery, both copies have been written (a log entry is written before its
    // delivery, so waiting for the log entry alone would be too early).
    await waitFor('the later event delivered', async () => (await deliveriesOf(db, [after.id])).length === 1);
    expect(await logged(db, twice.id)).toBe(1);
    expect(await deliveriesOf(db, [twice.id])).toEqual([{ webhook_id: webhookId, event_id: twice.id }]);
    expect(await queueExists('audit-log.webhooks')).toBe(false);
  });

  it('on upgrade, drains the webhooks queue of the earlier version into deliveries and deletes it', async () => {
    await service!.close();
    service = undefined;
    // The earlier version: its webhooks queue bound to every event. Its replicas are gone when this one starts.
    const earlier = await Messaging.connect({ url: vhost.url, service: 'audit-log' });
    await earlier.consumeEvents({
      queue: 'audit-log.webhooks',
      patterns: ['#'],
      handler: async () => undefined,
    });
    await earlier.close();
    // The events queue starts empty, whatever an earlier test left in it, so the count below is this event's.
    await rabbitManagement('DELETE', `${queuePath('audit-log')}/contents`);
    const queued = sent('alice', 'm-4');
    await client.publishEnvelope('events', queued.type, queued);
    await waitFor('the event in both queues', async () => {
      const queues = await Promise.all(
        ['audit-log', 'audit-log.webhooks'].map((q) =>
          rabbitManagement<{ messages?: number }>('GET', queuePath(q)),
        ),
      );
      return queues.every((q) => q.messages === 1);
    });
    // An earlier replica had already written the trail entry, not yet the delivery.
    await rabbitManagement('DELETE', `${queuePath('audit-log')}/contents`);

    const { db } = await start();
    await waitFor('the old queue deleted', async () => !(await queueExists('audit-log.webhooks')));
    expect(await deliveriesOf(db, [queued.id])).toEqual([{ webhook_id: webhookId, event_id: queued.id }]);
    expect(await queueExists('audit-log.webhooks.retry.1')).toBe(false);
  });
});
