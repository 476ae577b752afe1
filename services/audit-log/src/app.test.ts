import type { LogEntryPage, MessageStats } from '@integrations/contracts';
import { Messaging } from '@integrations/messaging';
import {
  createTestDatabase,
  createTestVhost,
  type TestDatabase,
  type TestVhost,
  until,
} from '@integrations/testing';
import { loadConfig } from './config';
import type { AuditLogService } from './app';
import { startTestAuditLog } from './testing/start';

describe('audit-log', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let service: AuditLogService;
  let client: Messaging;
  const alice = { userId: 'alice' };
  const bob = { userId: 'bob' };

  beforeAll(async () => {
    [database, vhost] = await Promise.all([createTestDatabase('audit'), createTestVhost('audit')]);
    service = await startTestAuditLog(database, vhost, { RETENTION_INTERVAL_MS: '100' });
    client = await Messaging.connect({ url: vhost.url, service: 'test-client' });
  });
  afterAll(async () => {
    await client?.close();
    await service?.close();
    await Promise.all([database?.drop(), vhost?.delete()]);
  });

  const count = async () =>
    Number(
      (
        await service.db
          .selectFrom('integration_logs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const query = (ctx: { userId: string; admin?: boolean }, data: Record<string, unknown> = {}) =>
    client.request<LogEntryPage>('audit.logs.query', { limit: 20, ...data }, ctx);

  it('records every event once, even when it is delivered twice', async () => {
    const connected = client.makeEnvelope(
      'telegram.bot.connected',
      { userId: 'alice', botId: 'bot-1', telegramBotId: '42', username: 'a_bot' },
      { ...alice, requestId: 'req-9' },
    );
    await client.publishEnvelope('events', connected.type, connected);
    await client.publishEnvelope('events', connected.type, connected);
    await client.publishEvent(
      'telegram.message.failed',
      {
        userId: 'alice',
        messageId: 'm-1',
        via: { type: 'bot', id: 'bot-1' },
        chatId: '-100',
        error: { code: 'TELEGRAM_WRITE_FORBIDDEN', detail: 'not allowed' },
      },
      alice,
    );
    await client.publishEvent('telegram.bot.removed', { userId: 'bob', botId: 'bot-2' }, bob);
    await until(async () => (await count()) === 3);
    const reply = await query(alice);
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.data.items.map((i) => [i.type, i.platform, i.resource, i.action, i.status])).toEqual([
      ['telegram_bot', 'telegram', 'bot', 'message_failed', 'error'],
      ['telegram_bot', 'telegram', 'bot', 'connected', 'success'],
    ]);
    expect(reply.data.items[1]).toMatchObject({
      targetId: 'bot-1',
      requestId: 'req-9',
      actor: 'test-client',
      eventType: 'telegram.bot.connected',
    });
    expect(reply.data.items[0]?.errorMessage).toBe('TELEGRAM_WRITE_FORBIDDEN: not allowed');
  });

  it("shows a user only their own entries, and an admin everyone's", async () => {
    const bobs = await query(bob);
    expect(bobs.ok && bobs.data.items.map((i) => i.targetId)).toEqual(['bot-2']);
    const admin = await query({ userId: 'ops', admin: true });
    expect(admin.ok && admin.data.items).toHaveLength(3);
  });

  it('filters by type, action and status, and pages with a cursor', async () => {
    const failed = await query(alice, { status: 'error' });
    expect(failed.ok && failed.data.items.map((i) => i.action)).toEqual(['message_failed']);
    const connected = await query(alice, { type: 'telegram_bot', action: 'connected' });
    expect(connected.ok && connected.data.items).toHaveLength(1);
    const bots = await query(alice, { platform: 'telegram', resource: 'bot' });
    expect(bots.ok && bots.data.items).toHaveLength(2);
    const none = await query(alice, { platform: 'whatsapp' });
    expect(none.ok && none.data.items).toEqual([]);
    const first = await query(alice, { limit: 1 });
    expect(first.ok && first.data.nextCursor).toEqual(expect.any(String));
    if (!first.ok || !first.data.nextCursor) return;
    const second = await query(alice, { limit: 1, cursor: first.data.nextCursor });
    expect(second.ok && second.data.items.map((i) => i.action)).toEqual(['connected']);
    expect(second.ok && second.data.nextCursor).toBeNull();
  });

  it("files each entry under the bot, account or channel it is about, and lists one integration's entries", async () => {
    const dana = { userId: 'dana' };
    await client.publishEvent(
      'telegram.message.sent',
      {
        userId: 'dana',
        messageId: 'm-post',
        via: { type: 'account', id: 'acct-1' },
        channelId: 'chan-1',
        chatId: '-1001',
        chatTitle: 'Spring sale',
        text: 'Sale starts now',
        telegramMessageId: '3',
        sentAt: new Date().toISOString(),
      },
      dana,
    );
    await client.publishEvent(
      'telegram.account.connected',
      { userId: 'dana', accountId: 'acct-1', telegramUserId: '9', username: null },
      dana,
    );
    await until(async () => {
      const all = await query(dana);
      return all.ok && all.data.items.length === 2;
    });
    const channel = await query(dana, { resourceId: 'chan-1' });
    expect(channel.ok && channel.data.items).toEqual([
      expect.objectContaining({
        action: 'message_sent',
        resourceType: 'channel',
        resourceId: 'chan-1',
        userId: 'dana',
        details: expect.objectContaining({ text: 'Sale starts now', chatTitle: 'Spring sale' }),
      }),
    ]);
    const account = await query(dana, { resourceId: 'acct-1' });
    expect(account.ok && account.data.items.map((i) => [i.action, i.resourceType])).toEqual([
      ['connected', 'account'],
    ]);
  });

  it('records a burst of events, each once, however the deliveries are batched', async () => {
    const before = await count();
    const burst = Array.from({ length: 40 }, (_, i) =>
      client.makeEnvelope('telegram.bot.removed', { userId: 'erin', botId: `bot-${i}` }, { userId: 'erin' }),
    );
    await Promise.all(
      [...burst, ...burst].map((envelope) => client.publishEnvelope('events', envelope.type, envelope)),
    );
    await until(async () => (await count()) === before + 40);
    const erin = await query({ userId: 'erin' }, { limit: 100 });
    expect(erin.ok && erin.data.items.map((i) => i.targetId).sort()).toEqual(
      burst.map((_, i) => `bot-${i}`).sort(),
    );
  });

  it('refuses a forged cursor', async () => {
    const reply = await query(alice, { cursor: Buffer.from('log:1 or 1=1').toString('base64url') });
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('counts messages per UTC day and integration for the caller only', async () => {
    const carol = { userId: 'carol' };
    const day = 86_400_000;
    let n = 0;
    const publishAt = async (type: string, via: 'bot' | 'account' | 'channel', daysAgo: number) => {
      const time = new Date(Date.now() - daysAgo * day).toISOString();
      const base = { userId: 'carol', via: { type: via, id: `${via}-1` }, chatId: '1' };
      const data =
        type === 'telegram.message.failed'
          ? { ...base, messageId: `m-${++n}`, error: { code: 'TELEGRAM_WRITE_FORBIDDEN', detail: 'no' } }
          : type === 'telegram.message.received'
            ? { ...base, telegramMessageId: '7', from: { id: '5' }, date: time }
            : { ...base, messageId: `m-${++n}`, telegramMessageId: '7', sentAt: time };
      const envelope = client.makeEnvelope(type, data, carol);
      await client.publishEnvelope('events', type, { ...envelope, time });
    };
    const before = await count();
    await publishAt('telegram.message.sent', 'bot', 0);
    await publishAt('telegram.message.sent', 'bot', 0);
    await publishAt('telegram.message.failed', 'account', 0);
    await publishAt('telegram.message.received', 'account', 0);
    await publishAt('telegram.message.sent', 'channel', 3);
    await publishAt('telegram.message.sent', 'channel', 30);
    await until(async () => (await count()) === before + 6);

    const reply = await client.request<MessageStats>('audit.stats.query', { days: 14 }, carol);
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const iso = (daysAgo: number) => new Date(Date.now() - daysAgo * day).toISOString().slice(0, 10);
    const telegram = (resource: string) => ({ platform: 'telegram', resource });
    expect(reply.data).toEqual({
      from: iso(13),
      to: iso(0),
      days: [
        { date: iso(3), type: 'telegram_channel', ...telegram('channel'), sent: 1, failed: 0, received: 0 },
        { date: iso(0), type: 'telegram_account', ...telegram('account'), sent: 0, failed: 1, received: 1 },
        { date: iso(0), type: 'telegram_bot', ...telegram('bot'), sent: 2, failed: 0, received: 0 },
      ],
      resources: [
        { resourceType: 'account', resourceId: 'account-1', sent: 0, failed: 1, received: 1 },
        { resourceType: 'bot', resourceId: 'bot-1', sent: 2, failed: 0, received: 0 },
        { resourceType: 'channel', resourceId: 'channel-1', sent: 1, failed: 0, received: 0 },
      ],
    });
    const others = await client.request<MessageStats>('audit.stats.query', { days: 14 }, { userId: 'dave' });
    expect(others.ok && others.data.days).toEqual([]);
  });

  it('is ready when RabbitMQ and MariaDB answer', async () => {
    const res = await fetch(`${service.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ checks: { rabbitmq: 'up', mysql: 'up' } });
  });

  it('forgets entries past LOG_RETENTION_DAYS in the background, and refuses a retention shorter than the statistics', async () => {
    const entry = (eventId: string, daysAgo: number) => ({
      event_id: eventId,
      event_type: 'telegram.bot.connected',
      user_id: 'retention-user',
      platform: 'telegram',
      resource: 'bot',
      action: 'connected',
      status: 'success' as const,
      error_message: null,
      target_id: null,
      resource_type: null,
      resource_id: null,
      actor: null,
      request_id: null,
      trace_id: null,
      details: '{}',
      created_at: new Date(Date.now() - daysAgo * 86_400_000),
    });
    await service.db
      .insertInto('integration_logs')
      .values([entry('old-entry', 91), entry('recent-entry', 89)])
      .execute();
    const ofUser = async () =>
      (
        await service.db
          .selectFrom('integration_logs')
          .select('event_id')
          .where('user_id', '=', 'retention-user')
          .execute()
      ).map((r) => r.event_id);
    await until(async () => !(await ofUser()).includes('old-entry'));
    expect(await ofUser()).toEqual(['recent-entry']);
    expect(() => loadConfig({ LOG_RETENTION_DAYS: '30' })).toThrow(/LOG_RETENTION_DAYS .* at least 90/);
    expect(() => loadConfig({ LOG_RETENTION_DAYS: 'forever' })).toThrow(/LOG_RETENTION_DAYS/);
  });
});
