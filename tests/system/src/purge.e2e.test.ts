import type {
  Account,
  Envelope,
  Flow,
  LogEntryPage,
  Message,
  UserPurge,
  WebhookCreated,
} from '@integrations/contracts';
import { connect, type IntegrationsClient } from '@integrations/client';
import { until } from '@integrations/testing';
import { startStack, type Stack } from './stack';

/**
 * A platform user deleted everywhere (issue 20): a user with an account, a bot with groups, queued sends and a
 * webhook subscription is purged through `DELETE /admin/users/{userId}`; every service announces its part, the
 * session is logged out at Telegram, nothing of theirs is left to list or send, and audit-log keeps one entry.
 */
describe('purging a deleted platform user', () => {
  let stack: Stack;
  let platform: IntegrationsClient;
  const purged: Envelope<UserPurge>[] = [];
  const userId = 'leaving-user';
  let token: string;
  let admin: string;
  let account: Account;

  beforeAll(async () => {
    stack = await startStack('purge', { accounts: true });
    token = await stack.token(userId);
    admin = await stack.token('ops', 'integrations:read integrations:write integrations:admin');
    // The platform's User Service, as another team would write it: only the client.
    platform = await connect(stack.amqpUrl, { service: 'user-service' });
    await platform.on(
      'platform.user.purged',
      (_data, event) => void purged.push(event as Envelope<UserPurge>),
    );
  });
  afterAll(async () => {
    await platform?.close();
    await stack?.close();
  });

  const purge = () =>
    fetch(`${stack.apiUrl}/api/integrations/admin/users/${userId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
  const byService = (n: number) => {
    const counts: Record<string, Record<string, number>[]> = {};
    for (const e of purged) (counts[e.data.service] ??= []).push(e.data.counts);
    return Object.values(counts).every((list) => list.length >= n) && Object.keys(counts).length === 3;
  };

  it('purges accounts (logged out at Telegram), bots, channels, queued sends and webhooks, and keeps one entry', async () => {
    // An account, logged in.
    const phone = '+15557300001';
    await stack.control.createUser({ phone, username: 'leaving_tg' });
    const started = await stack.rest<Flow>(token, 'POST', '/telegram/connect', { method: 'code', phone });
    const code = (await stack.control.loginCode(phone))!;
    const done = await stack.rest<Flow>(token, 'POST', `/telegram/connect/${started.body.flowId}/code`, {
      code,
    });
    expect(done.body.status).toBe('active');
    account = (await stack.rest<Account>(token, 'GET', `/telegram/accounts/${done.body.accountId}`)).body;
    // A bot in two groups, with sends still queued behind a slow Telegram.
    const { bot, created, chats } = await stack.connectBotWithGroups(token, 'leaving_bot', 2);
    const attached = await stack.rest(token, 'POST', '/telegram/channels', {
      chat: chats[0]!.id,
      via: { type: 'bot', id: bot.id },
    });
    expect(attached.status).toBe(201);
    await stack.control.addFault({ target: `bot:${created.id}`, kind: 'latency', ms: 300 });
    const queued: Message[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await stack.rest<Message>(
        token,
        'POST',
        `/telegram/bots/${bot.id}/send`,
        { chatId: chats[i % 2]!.id, text: `queued ${i}` },
        { prefer: 'respond-async' },
      );
      expect(res.status).toBe(202);
      queued.push(res.body);
    }
    // A webhook subscription.
    const hook = await stack.rest<WebhookCreated>(token, 'POST', '/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['telegram.message.*'],
    });
    expect(hook.status).toBe(201);
    stack.rememberSecret(hook.body.secret!.slice('whsec_'.length));
    const authorizedBefore = (await stack.control.mtproto()).authorized ?? 0;

    // Not for a non-admin, and a user id that cannot be one is refused.
    expect(
      (
        await fetch(`${stack.apiUrl}/api/integrations/admin/users/${userId}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(403);
    const res = await purge();
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ userId, status: 'purging' });
    await until(() => byService(1));
    const counts = Object.fromEntries(purged.map((e) => [e.data.service, e.data.counts]));
    expect(counts['connector-telegram-account']).toMatchObject({ accounts: 1, channels: 0 });
    expect(counts['connector-telegram-bot']).toMatchObject({ bots: 1, channels: 1 });
    expect(counts['connector-telegram-bot']!.messages).toBeGreaterThan(0);
    expect(counts['audit-log']).toMatchObject({ webhooks: 1 });
    expect(counts['audit-log']!.logEntries).toBeGreaterThan(0);
    for (const e of purged) expect(e.userid).toBe(userId);

    // Logged out at Telegram too.
    await until(async () => ((await stack.control.mtproto()).authorized ?? 0) < authorizedBefore);
    // Nothing of theirs left to list, read or send through.
    for (const path of ['/telegram/accounts', '/telegram/bots', '/telegram/channels', '/webhooks'])
      expect((await stack.rest<{ items: unknown[] }>(token, 'GET', path)).body.items).toEqual([]);
    for (const message of queued)
      expect((await stack.rest(token, 'GET', `/messages/${message.id}`)).status).toBe(404);
    expect((await stack.rest(token, 'GET', `/telegram/accounts/${account.id}`)).status).toBe(404);
    // One entry is kept: that the user was purged, with audit-log's counts and nothing else.
    await until(async () => {
      const logs = await stack.rest<LogEntryPage>(token, 'GET', '/logs');
      return logs.body.items.length === 1 && logs.body.items[0]?.action === 'user_purged';
    });
  });

  it('purges again, this time as the User Service publishing platform.user.deleted: zeros, and one entry still', async () => {
    await platform.send('platform.user.deleted', { userId }, { userId });
    await until(() => byService(2));
    const repeats = purged.slice(3).map((e) => Object.values(e.data.counts).every((n) => n === 0));
    expect(repeats).toEqual([true, true, true]);
    const logs = await stack.rest<LogEntryPage>(token, 'GET', '/logs');
    expect(logs.body.items.map((entry) => entry.action)).toEqual(['user_purged']);
  });
});
