import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, GrammyError, webhookCallback } from 'grammy';
import { EmulatorClient, startEmulator, type Emulator } from '..';

/** A real local HTTP receiver that records what the emulator POSTs to it. */
async function startReceiver(handler: (body: string, headers: IncomingHttpHeaders, n: number) => number) {
  const received: Array<{ body: unknown; headers: IncomingHttpHeaders }> = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      n += 1;
      const status = handler(body, req.headers, n);
      if (status === 200) received.push({ body: JSON.parse(body), headers: req.headers });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    attempts: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Bot API through grammY: updates by long polling and webhooks', () => {
  let emu: Emulator;
  let control: EmulatorClient;
  let bot: Bot;
  let botId: number;
  let userId: number;

  beforeAll(async () => {
    emu = await startEmulator({
      mtprotoPort: false,
      limits: { enabled: false },
      webhook: { webhookRetryMs: 20, webhookMaxAttempts: 50 },
    });
    control = new EmulatorClient(emu.url);
  });
  afterAll(() => emu.stop());

  beforeEach(async () => {
    await control.reset();
    await control.setLimits({ enabled: false });
    const created = await control.createBot({ username: 'updates_test_bot' });
    botId = created.id;
    bot = new Bot(created.token, { client: { apiRoot: emu.url } });
    userId = (await control.createUser({ phone: '+15550200001', firstName: 'Bob' })).id;
  });

  it('delivers an inbound private message by getUpdates and confirms by offset', async () => {
    await control.postMessage(botId, { fromUserId: userId, text: 'one' });
    await control.postMessage(botId, { fromUserId: userId, text: 'two' });
    const first = await bot.api.getUpdates({ timeout: 0 });
    expect(first.map((u) => u.message?.text)).toEqual(['one', 'two']);
    expect(first[0]!.message).toMatchObject({
      from: { id: userId, is_bot: false },
      chat: { id: userId, type: 'private' },
    });
    const limited = await bot.api.getUpdates({ offset: first[0]!.update_id + 1, limit: 1 });
    expect(limited.map((u) => u.message?.text)).toEqual(['two']);
    const confirmed = await bot.api.getUpdates({ offset: first[1]!.update_id + 1, timeout: 0 });
    expect(confirmed).toEqual([]);
  });

  it('ends an older long poll with 409 when a newer one starts', async () => {
    const older = bot.api.getUpdates({ timeout: 10 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const newer = bot.api.getUpdates({ timeout: 0 });
    const error = (await older) as GrammyError;
    expect(error).toBeInstanceOf(GrammyError);
    expect([error.error_code, error.description]).toEqual([
      409,
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    ]);
    expect(await newer).toEqual([]);
  });

  it('logOut drops the webhook and pending updates; close answers true', async () => {
    await bot.api.setWebhook('http://127.0.0.1:1/never');
    await control.postMessage(botId, { fromUserId: userId, text: 'pending' });
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(1);
    expect(await bot.api.logOut()).toBe(true);
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url: '', pending_update_count: 0 });
    expect(await bot.api.close()).toBe(true);
  });

  it('wakes a long poll when a message arrives', async () => {
    const poll = bot.api.getUpdates({ timeout: 10 });
    await new Promise((r) => setTimeout(r, 50));
    await control.postMessage(botId, { fromUserId: userId, text: 'wake up' });
    const updates = await poll;
    expect(updates.map((u) => u.message?.text)).toEqual(['wake up']);
  });

  it('runs a grammY bot with bot.start() that answers a user', async () => {
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const running = bot.start({ timeout: 1 });
    await until(() => bot.isRunning(), 'the bot to start');
    await control.postMessage(botId, { fromUserId: userId, text: 'ping' });
    await until(async () => (await control.messages(userId)).length === 2, 'the echo');
    await bot.stop();
    await running;
    expect((await control.messages(userId)).map((m) => [m.from.type, m.text])).toEqual([
      ['user', 'ping'],
      ['bot', 'echo: ping'],
    ]);
  });

  it('delivers group messages and channel posts to member bots only', async () => {
    const outsider = await control.createBot();
    const group = await control.createChat({
      type: 'supergroup',
      members: [
        { userId, role: 'creator' },
        { botId, role: 'member' },
      ],
    });
    const channel = await control.createChat({
      type: 'channel',
      members: [
        { userId, role: 'creator' },
        { botId, role: 'administrator' },
      ],
    });
    await control.postMessage(group.id, { fromUserId: userId, text: 'in group' });
    await control.postMessage(channel.id, { fromUserId: userId, text: 'in channel' });
    const updates = await bot.api.getUpdates({ timeout: 0 });
    expect(updates[0]!.message).toMatchObject({
      text: 'in group',
      chat: { id: Number(group.id), type: 'supergroup' },
    });
    expect(updates[1]!.channel_post).toMatchObject({ text: 'in channel', chat: { id: Number(channel.id) } });
    const other = new Bot(outsider.token, { client: { apiRoot: emu.url } });
    expect(await other.api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it('POSTs updates to the webhook with the secret token, and getUpdates is 409 meanwhile', async () => {
    const receiver = await startReceiver(() => 200);
    try {
      await bot.api.setWebhook(receiver.url, { secret_token: 'my_secret-1' });
      await control.postMessage(botId, { fromUserId: userId, text: 'hooked' });
      await until(() => receiver.received.length === 1, 'the webhook delivery');
      const [delivery] = receiver.received;
      expect(delivery!.headers['x-telegram-bot-api-secret-token']).toBe('my_secret-1');
      expect(delivery!.headers['content-type']).toBe('application/json');
      expect(delivery!.body).toMatchObject({ message: { text: 'hooked', from: { id: userId } } });
      expect(await bot.api.getWebhookInfo()).toMatchObject({ url: receiver.url, pending_update_count: 0 });
      const conflict = await bot.api.getUpdates().catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(GrammyError);
      expect((conflict as GrammyError).error_code).toBe(409);
      await bot.api.deleteWebhook();
      expect((await bot.api.getWebhookInfo()).url).toBe('');
    } finally {
      await receiver.close();
    }
  });

  it('retries a failing webhook and records the last error', async () => {
    const receiver = await startReceiver((_body, _headers, n) => (n <= 2 ? 500 : 200));
    try {
      await bot.api.setWebhook(receiver.url);
      await control.postMessage(botId, { fromUserId: userId, text: 'retry me' });
      await until(() => receiver.received.length === 1, 'the third attempt');
      expect(receiver.attempts()).toBe(3);
      const info = await bot.api.getWebhookInfo();
      expect(info.last_error_message).toBe('Wrong response from the webhook: 500 Internal Server Error');
      expect(info.pending_update_count).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it('drops pending updates on request', async () => {
    await control.postMessage(botId, { fromUserId: userId, text: 'old' });
    await bot.api.deleteWebhook({ drop_pending_updates: true });
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
    await control.postMessage(botId, { fromUserId: userId, text: 'new' });
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.message?.text)).toEqual(['new']);
  });

  it('negative offsets keep only the newest updates', async () => {
    for (const text of ['a', 'b', 'c']) await control.postMessage(botId, { fromUserId: userId, text });
    const newest = await bot.api.getUpdates({ offset: -1 });
    expect(newest.map((u) => u.message?.text)).toEqual(['c']);
    expect((await bot.api.getUpdates()).map((u) => u.message?.text)).toEqual(['c']);
  });

  it('serves a grammY webhookCallback and runs a method carried in the webhook answer', async () => {
    // canUseWebhookReply: grammY answers the webhook POST with the sendMessage call instead of calling the API.
    const replying = new Bot(bot.token, { client: { apiRoot: emu.url, canUseWebhookReply: () => true } });
    replying.botInfo = await bot.api.getMe();
    replying.on('message:text', (ctx) => ctx.reply('via webhook reply'));
    const callback = webhookCallback(replying, 'http', { secretToken: 'tok_123', onTimeout: 'return' });
    const server = createServer((req, res) => void callback(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await bot.api.setWebhook(url, { secret_token: 'tok_123' });
      await control.postMessage(botId, { fromUserId: userId, text: 'hi' });
      await until(async () => (await control.messages(userId)).length === 2, 'the reply');
      expect((await control.messages(userId))[1]).toMatchObject({
        from: { type: 'bot', id: botId },
        text: 'via webhook reply',
      });
    } finally {
      await bot.api.deleteWebhook();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
