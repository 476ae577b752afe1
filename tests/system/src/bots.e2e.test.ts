import { until } from '@integrations/testing';
import type { Bot, Channel, LogEntryPage, Message } from '@integrations/contracts';
import { Messaging } from '@integrations/messaging';
import { startStack, type Stack } from './stack';

describe('bots, channels and sending, end to end through REST', () => {
  let stack: Stack;
  let alice: string;
  let mallory: string;
  let botToken: string;
  let telegramBotId: number;

  const rest = async <T>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${stack.apiUrl}/api/integrations${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };

  beforeAll(async () => {
    stack = await startStack('e2e');
    alice = await stack.token('alice');
    mallory = await stack.token('mallory');
  });
  afterAll(() => stack?.close());

  let bot: Bot;
  let channel: Channel;

  it('connects a bot with its token and lists it', async () => {
    const created = await stack.control.createBot({ username: 'e2e_shop_bot' });
    botToken = created.token;
    telegramBotId = created.id;
    const res = await rest<Bot>(alice, 'POST', '/telegram/bots', { token: created.token });
    expect(res.status).toBe(201);
    bot = res.body;
    expect(bot).toMatchObject({ username: 'e2e_shop_bot', status: 'active' });
    expect(res.headers.get('location')).toBe(`/api/integrations/telegram/bots/${bot.id}`);
    expect(JSON.stringify(res.body)).not.toContain(created.token);
    const list = await rest<{ items: Bot[] }>(alice, 'GET', '/telegram/bots');
    expect(list.body.items.map((b) => b.id)).toEqual([bot.id]);
  });

  it('attaches a channel through the bot and sends to it; the message reaches Telegram', async () => {
    const chat = await stack.control.createChat({
      type: 'channel',
      title: 'E2E news',
      username: 'e2e_news',
      members: [{ botId: telegramBotId, role: 'administrator', canPost: true }],
    });
    const attached = await rest<Channel>(alice, 'POST', '/telegram/channels', {
      chat: '@e2e_news',
      via: { type: 'bot', id: bot.id },
    });
    expect(attached.status).toBe(201);
    channel = attached.body;
    const sent = await rest<Message>(alice, 'POST', `/telegram/channels/${channel.id}/send`, {
      text: 'Hello *world*',
      parseMode: 'MarkdownV2',
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'sent', telegramMessageId: expect.any(String) });
    expect((await stack.control.messages(chat.id)).map((m) => m.text)).toEqual(['Hello world']);
    const status = await rest<Message>(alice, 'GET', `/messages/${sent.body.id}`);
    expect(status.body).toMatchObject({ id: sent.body.id, status: 'sent' });
  });

  it('searches and filters the lists by text and status, taking % and _ literally', async () => {
    const ids = async (path: string) =>
      (await rest<{ items: { id: string }[] }>(alice, 'GET', path)).body.items.map((item) => item.id);
    expect(await ids('/telegram/bots?q=SHOP')).toEqual([bot.id]);
    expect(await ids('/telegram/bots?q=nothing_like_it')).toEqual([]);
    expect(await ids('/telegram/bots?q=%25')).toEqual([]);
    expect(await ids('/telegram/bots?status=active')).toEqual([bot.id]);
    expect(await ids('/telegram/bots?status=revoked')).toEqual([]);
    expect(await ids('/telegram/channels?q=@E2E_news')).toEqual([channel.id]);
    expect(await ids('/telegram/channels?q=E2E%20news')).toEqual([channel.id]);
    expect(await ids('/telegram/channels?status=write_forbidden')).toEqual([]);
    const bad = await rest<{ code: string; errors: { path: string }[] }>(
      alice,
      'GET',
      '/telegram/bots?status=lost',
    );
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e) => e.path)).toEqual(['/status']);
  });

  it('sends asynchronously with Prefer: respond-async and reports the outcome later', async () => {
    const group = await stack.control.createChat({
      type: 'group',
      title: 'E2E team',
      members: [{ botId: telegramBotId, role: 'member' }],
    });
    const queued = await rest<Message>(
      alice,
      'POST',
      `/telegram/bots/${bot.id}/send`,
      { chatId: group.id, text: 'later' },
      { prefer: 'respond-async' },
    );
    expect(queued.status).toBe(202);
    const location = queued.headers.get('location') ?? '';
    await until(
      async () =>
        (await rest<Message>(alice, 'GET', location.replace('/api/integrations', ''))).body.status === 'sent',
    );
    expect((await stack.control.messages(group.id)).map((m) => m.text)).toEqual(['later']);
  });

  it('accepts an async send with a publish alone once the connector took one; a pause behind its back fails it', async () => {
    const group = await stack.control.createChat({
      type: 'group',
      title: 'Detached',
      members: [{ botId: telegramBotId, role: 'member' }],
    });
    const send = (text: string) =>
      rest<Message>(
        alice,
        'POST',
        `/telegram/bots/${bot.id}/send`,
        { chatId: group.id, text },
        { prefer: 'respond-async' },
      );
    const status = async (id: string) => (await rest<Message>(alice, 'GET', `/messages/${id}`)).body;
    const patch = (isActive: boolean) => rest<Bot>(alice, 'PATCH', `/telegram/bots/${bot.id}`, { isActive });
    // The first asks the connector (request/reply): now the api knows alice may send through this bot.
    const first = await send('first');
    expect(first.status).toBe(202);
    await until(async () => (await status(first.body.id)).status === 'sent');

    // Paused behind this api's back, by a platform service's AMQP command: the api still accepts the next one
    // from what it knew, and the connector records why it was not sent.
    const platform = await Messaging.connect({ url: stack.amqpUrl, service: 'platform-service' });
    try {
      const paused = await platform.request<Bot>(
        'telegram.bot.update',
        { id: bot.id, isActive: false },
        { userId: 'alice' },
        { timeoutMs: 10_000 },
      );
      expect(paused.ok).toBe(true);
    } finally {
      await platform.close();
    }
    const second = await send('second');
    expect(second.status).toBe(202);
    expect(second.body).toEqual({ id: second.body.id, status: 'queued', chatId: group.id });
    await until(async () => (await status(second.body.id)).status === 'failed');
    expect((await status(second.body.id)).error?.code).toBe('INTEGRATION_PAUSED');
    // Another user never sees it, queued or not.
    expect((await rest(mallory, 'GET', `/messages/${second.body.id}`)).status).toBe(404);

    // Paused through this api: it forgets what it knew and asks the connector, which answers 409 at once.
    expect((await patch(true)).status).toBe(200);
    expect((await patch(false)).status).toBe(200);
    const third = await send('third');
    expect(third.status).toBe(409);
    expect((await patch(true)).status).toBe(200);
    const fourth = await send('fourth');
    expect(fourth.status).toBe(202);
    await until(async () => (await status(fourth.body.id)).status === 'sent');
    expect((await stack.control.messages(group.id)).map((m) => m.text)).toEqual(['first', 'fourth']);
  });

  it('replays a send with the same Idempotency-Key instead of sending twice', async () => {
    const group = await stack.control.createChat({
      type: 'group',
      title: 'Idem',
      members: [{ botId: telegramBotId, role: 'member' }],
    });
    const headers = { 'idempotency-key': 'order-42-confirmation' };
    const first = await rest<Message>(
      alice,
      'POST',
      `/telegram/bots/${bot.id}/send`,
      { chatId: group.id, text: 'order confirmed' },
      headers,
    );
    const second = await rest<Message>(
      alice,
      'POST',
      `/telegram/bots/${bot.id}/send`,
      { chatId: group.id, text: 'order confirmed' },
      headers,
    );
    expect(second.body).toEqual(first.body);
    expect(await stack.control.messages(group.id)).toHaveLength(1);
  });

  it('answers 404 to another user for every resource, and shows them nothing in lists', async () => {
    for (const path of [`/telegram/bots/${bot.id}`, `/telegram/channels/${channel.id}`]) {
      const res = await rest<{ code: string }>(mallory, 'GET', path);
      expect([path, res.status, res.body.code]).toEqual([path, 404, 'NOT_FOUND']);
    }
    expect(
      (await rest(mallory, 'POST', `/telegram/bots/${bot.id}/send`, { chatId: '1', text: 'x' })).status,
    ).toBe(404);
    expect((await rest(mallory, 'DELETE', `/telegram/channels/${channel.id}`)).status).toBe(404);
    expect((await rest<{ items: unknown[] }>(mallory, 'GET', '/telegram/bots')).body.items).toEqual([]);
    expect((await rest<{ items: unknown[] }>(mallory, 'GET', '/telegram/channels')).body.items).toEqual([]);
  });

  it('records every step in the audit log, for its owner only', async () => {
    let page: LogEntryPage = { items: [], nextCursor: null };
    await until(async () => {
      page = (await rest<LogEntryPage>(alice, 'GET', '/logs?limit=50')).body;
      return page.items.filter((i) => i.action === 'message_sent').length >= 3;
    });
    expect(page.items.map((i) => i.action)).toEqual(
      expect.arrayContaining(['connected', 'attached', 'message_sent']),
    );
    const sendEntry = page.items.find((i) => i.action === 'message_sent');
    expect(sendEntry?.requestId).toEqual(expect.any(String));
    expect((await rest<LogEntryPage>(mallory, 'GET', '/logs')).body.items).toEqual([]);
    const filtered = await rest<LogEntryPage>(alice, 'GET', '/logs?type=telegram_bot&action=connected');
    expect(filtered.body.items).toHaveLength(1);
    // Each entry names its platform and resource (ADR 0020), and the log filters by them.
    const channels = await rest<LogEntryPage>(alice, 'GET', '/logs?platform=telegram&resource=channel');
    expect(channels.body.items.map((i) => [i.type, i.platform, i.resource, i.action])).toContainEqual([
      'telegram_channel',
      'telegram',
      'channel',
      'attached',
    ]);
    expect(channels.body.items.every((i) => i.resource === 'channel')).toBe(true);
  });

  it('never wrote the bot token into any log line', () => {
    expect(stack.logs.join('\n')).not.toContain(botToken.split(':')[1]);
  });
});
