import type { Bot, Channel, Envelope, Message } from '@integrations/contracts';
import { Messaging } from '@integrations/messaging';
import { createLogger } from '@integrations/observability';
import { EmulatorClient, startEmulator } from '@integrations/telegram-emulator';
import {
  createTestDatabase,
  createTestVhost,
  infra,
  startProxyFor,
  uniqueName,
  type TcpProxy,
  type TestDatabase,
  type TestVhost,
  until,
} from '@integrations/testing';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { startBotConnector, type BotConnector } from './app';
import { BotsRepository } from './bots/bots.repository';
import { loadConfig } from './config';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

describe('connector-telegram-bot against the emulator', () => {
  let emulator: Emulator;
  let control: EmulatorClient;
  let database: TestDatabase;
  let vhost: TestVhost;
  /** MariaDB as the connector reaches it: a test drops its connections at an exact statement. */
  let mysql: TcpProxy;
  let connector: BotConnector;
  let client: Messaging;
  const events: Envelope[] = [];
  const logLines: string[] = [];
  const alice = { userId: 'alice' };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, mtprotoPort: false });
    control = new EmulatorClient(emulator.url);
    await control.setLimits({ perGroup: { count: 5, windowMs: 500 }, perBot: { count: 30, windowMs: 1000 } });
    [database, vhost, mysql] = await Promise.all([
      createTestDatabase('bot'),
      createTestVhost('bot'),
      startProxyFor(infra.mysqlUrl, 3306),
    ]);
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
    const config = loadConfig({
      AMQP_URL: vhost.url,
      MYSQL_URL: mysql.url(infra.mysqlUrl),
      REDIS_URL: infra.redisUrl,
      REDIS_PREFIX: `${uniqueName('bot')}:`,
      BOT_DATABASE: database.name,
      CONNECTOR_BOT_PORT: '0',
      CONNECTOR_BOT_HOST: '127.0.0.1',
      TELEGRAM_BOT_API_URL: emulator.url,
      TELEGRAM_LIMIT_PER_CHAT_MS: '50',
      TELEGRAM_POLL_TIMEOUT_S: '1',
      TELEGRAM_BREAKER_RESET_MS: '60000',
      SECRETS_KEYRING: JSON.stringify({ 'telegram-bots': { '1': randomBytes(32).toString('base64') } }),
    });
    config.limits.perGroup = { count: 5, windowMs: 500 };
    connector = await startBotConnector(
      config,
      createLogger({ service: 'connector-telegram-bot', stream: logStream }),
    );
    client = await Messaging.connect({ url: vhost.url, service: 'test-api' });
    await client.consumeEvents({
      queue: 'test-events',
      patterns: ['#'],
      transient: true,
      handler: async (e) => void events.push(e),
    });
  });

  afterAll(async () => {
    await client?.close();
    await connector?.close();
    await emulator?.stop();
    await mysql?.close();
    await Promise.all([database?.drop(), vhost?.delete()]);
  });

  const command = <T>(type: string, data: unknown, ctx = alice) =>
    client.request<T>(type, data, ctx, { timeoutMs: 15_000 });
  const ok = async <T>(type: string, data: unknown, ctx = alice): Promise<T> => {
    const reply = await command<T>(type, data, ctx);
    if (!reply.ok) throw new Error(`${type} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };

  let bot: Bot;
  let botToken: string;
  let botTelegramId: number;

  describe('bots', () => {
    it('connects a bot after getMe, stores the token only encrypted, and announces it', async () => {
      const created = await control.createBot({ username: 'shop_bot', firstName: 'Shop' });
      botToken = created.token;
      botTelegramId = created.id;
      bot = await ok<Bot>('telegram.bot.connect', { token: created.token });
      expect(bot).toMatchObject({
        telegramBotId: String(created.id),
        username: 'shop_bot',
        firstName: 'Shop',
        status: 'active',
        updatesMode: 'polling',
      });
      const row = await connector.db
        .selectFrom('telegram_bots')
        .selectAll()
        .where('id', '=', bot.id)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(created.token);
      expect(JSON.stringify(row)).not.toContain(created.token.split(':')[1]);
      expect(row.bot_token_enc).toMatch(/^local:v1:/);
      await until(() => events.some((e) => e.type === 'telegram.bot.connected'));
      expect(events.find((e) => e.type === 'telegram.bot.connected')?.data).toEqual({
        userId: 'alice',
        botId: bot.id,
        telegramBotId: String(created.id),
        username: 'shop_bot',
      });
    });

    it('refuses an unknown or malformed token and a second connection of the same bot, storing nothing', async () => {
      const unknown = await command('telegram.bot.connect', {
        token: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'TELEGRAM_TOKEN_INVALID', status: 422 } });
      const malformed = await command('telegram.bot.connect', { token: 'not a token' });
      expect(malformed).toMatchObject({ ok: false, error: { code: 'TELEGRAM_TOKEN_INVALID' } });
      const again = await command('telegram.bot.connect', { token: botToken });
      expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', status: 409 } });
      const rows = await connector.db.selectFrom('telegram_bots').select('id').execute();
      expect(rows).toHaveLength(1);
    });

    it("lists and gets only the caller's bots; another user's id is a 404", async () => {
      const mine = await ok<{ items: Bot[] }>('telegram.bot.list', { limit: 20 });
      expect(mine.items.map((b) => b.id)).toEqual([bot.id]);
      const theirs = await ok<{ items: Bot[] }>('telegram.bot.list', { limit: 20 }, { userId: 'mallory' });
      expect(theirs.items).toEqual([]);
      expect(await command('telegram.bot.get', { id: bot.id }, { userId: 'mallory' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
      expect(await command('telegram.bot.remove', { id: bot.id }, { userId: 'mallory' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
    });
  });

  // Before the breaker test below: it leaves this bot's breaker open (polls included) for a minute.
  it('turns what users write to the bot into telegram.message.received', async () => {
    const user = await control.createUser({ phone: '+15550001111', firstName: 'Eve', username: 'eve_smith' });
    await control.postMessage(botTelegramId, { fromUserId: user.id, text: 'hello bot' });
    await until(() => events.some((e) => e.type === 'telegram.message.received'));
    expect(events.find((e) => e.type === 'telegram.message.received')?.data).toMatchObject({
      userId: 'alice',
      via: { type: 'bot', id: bot.id },
      from: { id: String(user.id), username: 'eve_smith' },
      text: 'hello bot',
    });
  });

  describe('channels and groups', () => {
    let channel: Channel;
    let group: { id: string };

    it('attaches a channel where the bot may post', async () => {
      const created = await control.createChat({
        type: 'channel',
        title: 'News',
        username: 'shop_news',
        members: [{ botId: botTelegramId, role: 'administrator', canPost: true }],
      });
      channel = await ok<Channel>('telegram.channel.attach', {
        chat: '@shop_news',
        via: { type: 'bot', id: bot.id },
      });
      expect(channel).toMatchObject({
        chatId: created.id,
        title: 'News',
        type: 'channel',
        username: 'shop_news',
        canPost: true,
        status: 'active',
        via: { type: 'bot', id: bot.id },
      });
      await until(() => events.some((e) => e.type === 'telegram.channel.attached'));
    });

    it('refuses a chat the bot cannot post in, and one that does not exist, storing nothing', async () => {
      await control.createChat({
        type: 'channel',
        title: 'Read only',
        username: 'read_only',
        members: [{ botId: botTelegramId, role: 'member' }],
      });
      expect(
        await command('telegram.channel.attach', { chat: '@read_only', via: { type: 'bot', id: bot.id } }),
      ).toMatchObject({ ok: false, error: { code: 'TELEGRAM_NOT_ADMIN', status: 422 } });
      expect(
        await command('telegram.channel.attach', {
          chat: '@nowhere_at_all',
          via: { type: 'bot', id: bot.id },
        }),
      ).toMatchObject({ ok: false, error: { code: 'TELEGRAM_CHAT_NOT_FOUND', status: 422 } });
      expect(
        await command(
          'telegram.channel.attach',
          { chat: '@shop_news', via: { type: 'bot', id: bot.id } },
          { userId: 'mallory' },
        ),
      ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      const rows = await connector.db.selectFrom('telegram_channels').select('id').execute();
      expect(rows).toHaveLength(1);
    });

    it('posts to the channel, once per message id', async () => {
      // The channel's bot is checked and read in the insert's round trip, and delivery uses it: no read of its own.
      const botReads = jest.spyOn(BotsRepository.prototype, 'byId');
      const first = await ok<Message>('telegram.channel.send', {
        channelId: channel.id,
        text: '<b>Sale</b> today',
        parseMode: 'HTML',
        messageId: 'msg-channel-1',
      });
      expect(first).toMatchObject({
        id: 'msg-channel-1',
        status: 'sent',
        telegramMessageId: expect.any(String),
      });
      const again = await ok<Message>('telegram.channel.send', {
        channelId: channel.id,
        text: '<b>Sale</b> today',
        parseMode: 'HTML',
        messageId: 'msg-channel-1',
      });
      expect(again).toEqual(first);
      expect(botReads).not.toHaveBeenCalled();
      botReads.mockRestore();
      const posted = await control.messages(channel.chatId);
      expect(posted.map((m) => m.text)).toEqual(['Sale today']);
      await until(() => events.some((e) => e.type === 'telegram.message.sent'));
      expect(events.find((e) => e.type === 'telegram.message.sent')?.data).toMatchObject({
        messageId: 'msg-channel-1',
        via: { type: 'channel', id: channel.id },
        // What the channel's history shows: the text as written, the channel, its title from Telegram.
        channelId: channel.id,
        chatTitle: channel.title,
        text: '<b>Sale</b> today',
      });
    });

    it('pauses a bot and a channel: no polling, no sends (nothing stored), then resumes them without a new connect', async () => {
      const typesOf = (type: string) => events.filter((e) => e.type === type);
      const rowsBefore = (await connector.db.selectFrom('telegram_messages').select('id').execute()).length;
      const paused = await ok<Bot>('telegram.bot.update', {
        id: bot.id,
        isActive: false,
        label: 'Shop (EU)',
      });
      expect(paused).toMatchObject({ id: bot.id, isActive: false, label: 'Shop (EU)', status: 'active' });
      await until(() => typesOf('telegram.bot.updated').length === 1);
      expect(typesOf('telegram.bot.paused').map((e) => e.data)).toEqual([
        { userId: 'alice', botId: bot.id, isActive: false, label: 'Shop (EU)' },
      ]);
      // Sends through the bot or its channel are refused, not queued; another user still sees a 404.
      const refused = { ok: false, error: { code: 'INTEGRATION_PAUSED', status: 409 } };
      expect(
        await command('telegram.bot.send', { botId: bot.id, chatId: channel.chatId, text: 'x' }),
      ).toMatchObject(refused);
      expect(await command('telegram.channel.send', { channelId: channel.id, text: 'x' })).toMatchObject(
        refused,
      );
      expect(
        await command('telegram.bot.update', { id: bot.id, isActive: true }, { userId: 'mallory' }),
      ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await connector.db.selectFrom('telegram_messages').select('id').execute()).toHaveLength(
        rowsBefore,
      );
      // Lists filter by it.
      expect(
        (await ok<{ items: Bot[] }>('telegram.bot.list', { limit: 20, isActive: false })).items,
      ).toHaveLength(1);
      expect((await ok<{ items: Bot[] }>('telegram.bot.list', { limit: 20, isActive: true })).items).toEqual(
        [],
      );
      // Not polled: what a user writes meanwhile waits at Telegram.
      const sender = await control.createUser({ phone: '+15550001112', username: 'paused_writer' });
      await control.postMessage(botTelegramId, { fromUserId: sender.id, text: 'while paused' });
      const webhookInfo = () =>
        fetch(`${emulator.url}/bot${botToken}/getWebhookInfo`).then(
          async (r) => ((await r.json()) as { result: { pending_update_count: number } }).result,
        );
      expect((await webhookInfo()).pending_update_count).toBe(1);

      // The same patch again changes nothing and announces nothing (the next event proves the order).
      await ok<Bot>('telegram.bot.update', { id: bot.id, isActive: false, label: 'Shop (EU)' });
      const resumed = await ok<Bot>('telegram.bot.update', { id: bot.id, isActive: true });
      expect(resumed).toMatchObject({ isActive: true, label: 'Shop (EU)' });
      await until(() => typesOf('telegram.bot.resumed').length === 1);
      expect(typesOf('telegram.bot.paused')).toHaveLength(1);
      // Polled again: the waiting message arrives, and only now (both events leave through the outbox in order).
      const whilePaused = (e: Envelope) =>
        e.type === 'telegram.message.received' && (e.data as { text?: string }).text === 'while paused';
      await until(() => events.some(whilePaused));
      expect(events.findIndex(whilePaused)).toBeGreaterThan(
        events.findIndex((e) => e.type === 'telegram.bot.resumed'),
      );

      // A channel pauses on its own too.
      const channelPaused = await ok<Channel>('telegram.channel.update', { id: channel.id, isActive: false });
      expect(channelPaused).toMatchObject({ isActive: false, label: null });
      expect(await command('telegram.channel.send', { channelId: channel.id, text: 'x' })).toMatchObject(
        refused,
      );
      await until(() => typesOf('telegram.channel.paused').length === 1);
      expect(typesOf('telegram.channel.paused')[0]?.data).toEqual({
        userId: 'alice',
        channelId: channel.id,
        via: { type: 'bot', id: bot.id },
        isActive: false,
        label: null,
      });
      await ok<Channel>('telegram.channel.update', { id: channel.id, isActive: true });
      const sent = await ok<Message>('telegram.channel.send', { channelId: channel.id, text: 'back' });
      expect(sent.status).toBe('sent');
      // A patch with nothing in it is not a command (refused before it is published).
      await expect(command('telegram.bot.update', { id: bot.id })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    });

    it('queues a burst to one group and delivers all of it in order, without a 429 reaching anyone', async () => {
      group = await control.createChat({
        type: 'supergroup',
        title: 'Team',
        members: [{ botId: botTelegramId, role: 'member' }],
      });
      const replies = await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          ok<Message>('telegram.bot.send', {
            botId: bot.id,
            chatId: group.id,
            text: `burst ${i}`,
            messageId: `burst-${i}`,
            async: true,
          }),
        ),
      );
      expect(replies.every((r) => r.status === 'queued')).toBe(true);
      await until(async () => (await control.messages(group.id)).length === 15);
      expect((await control.messages(group.id)).map((m) => m.text)).toEqual(
        Array.from({ length: 15 }, (_, i) => `burst ${i}`),
      );
      // Telegram has them all; the connector records each answer just after it (a row is `sending` until
      // then): wait for the last one.
      const pending = () =>
        connector.db
          .selectFrom('telegram_messages')
          .select('id')
          .where('status', 'in', ['queued', 'sending'])
          .execute();
      await until(async () => (await pending()).length === 0);
      const statuses = await connector.db
        .selectFrom('telegram_messages')
        .select('status')
        .where('id', 'like', 'burst-%')
        .execute();
      expect(statuses.every((s) => s.status === 'sent')).toBe(true);
      expect(await ok<Message>('telegram.bot.message.get', { id: 'burst-14' })).toMatchObject({
        status: 'sent',
      });
    });

    it("waits out Telegram's retry_after instead of failing", async () => {
      await control.addFault({ target: `bot:${botTelegramId}`, kind: 'rate_limit', retryAfter: 1, count: 1 });
      const sent = await ok<Message>('telegram.bot.send', {
        botId: bot.id,
        chatId: group.id,
        text: 'after the wait',
        messageId: 'wait-1',
      });
      expect(sent.status).toBe('sent');
      expect((await control.messages(group.id)).at(-1)?.text).toBe('after the wait');
    });

    it("checks the bot of every send: another user's is a 404 storing nothing, a paused one stops the sends that wait", async () => {
      const rows = () => connector.db.selectFrom('telegram_messages').select('id').execute();
      const before = (await rows()).length;
      expect(
        await command(
          'telegram.bot.send',
          { botId: bot.id, chatId: group.id, text: 'x' },
          { userId: 'mallory' },
        ),
      ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await rows()).toHaveLength(before);

      // The group takes 5 a half second: most of these wait behind the first ones when the bot is paused.
      const replies = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          ok<Message>('telegram.bot.send', {
            botId: bot.id,
            chatId: group.id,
            text: `before the pause ${i}`,
            messageId: `pause-burst-${i}`,
            async: true,
          }),
        ),
      );
      expect(replies.every((r) => r.status === 'queued')).toBe(true);
      await ok<Bot>('telegram.bot.update', { id: bot.id, isActive: false });
      const settled = () =>
        connector.db
          .selectFrom('telegram_messages')
          .select(['status', 'error_code'])
          .where('id', 'like', 'pause-burst-%')
          .execute();
      await until(async () => (await settled()).every((r) => r.status === 'sent' || r.status === 'failed'));
      const outcomes = await settled();
      const failed = outcomes.filter((r) => r.status === 'failed');
      // Each waiting send read the bot again as it was claimed: none went out through the paused bot.
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((r) => r.error_code === 'INTEGRATION_PAUSED')).toBe(true);
      const delivered = (await control.messages(group.id)).filter((m) =>
        m.text?.startsWith('before the pause'),
      );
      expect(delivered).toHaveLength(outcomes.length - failed.length);
      await ok<Bot>('telegram.bot.update', { id: bot.id, isActive: true });
    });

    it('marks a channel write_forbidden when Telegram refuses a post, and says so', async () => {
      await control.setMember(channel.chatId, { botId: botTelegramId, role: 'member' });
      const reply = await command('telegram.channel.send', {
        channelId: channel.id,
        text: 'denied',
        messageId: 'denied-1',
      });
      expect(reply).toMatchObject({ ok: false, error: { code: 'TELEGRAM_WRITE_FORBIDDEN', status: 422 } });
      expect(await ok<Channel>('telegram.channel.get', { id: channel.id })).toMatchObject({
        status: 'write_forbidden',
        canPost: false,
      });
      await until(
        () =>
          events.some((e) => e.type === 'telegram.channel.write_forbidden') &&
          events.some((e) => e.type === 'telegram.message.failed'),
      );
      expect(await ok<Message>('telegram.bot.message.get', { id: 'denied-1' })).toMatchObject({
        status: 'failed',
        error: { code: 'TELEGRAM_WRITE_FORBIDDEN' },
      });
    });

    it('records a refused post as failed even when marking its channel loses the database', async () => {
      await control.createChat({
        type: 'channel',
        title: 'Alerts',
        username: 'shop_alerts',
        members: [{ botId: botTelegramId, role: 'administrator', canPost: true }],
      });
      const alerts = await ok<Channel>('telegram.channel.attach', {
        chat: '@shop_alerts',
        via: { type: 'bot', id: bot.id },
      });
      await control.setMember(alerts.chatId, { botId: botTelegramId, role: 'member' });
      // The connection drops as the channel's mark goes out: the send's failure must be recorded all the same.
      const dropped = mysql.dropWhenClientSends(Buffer.from("`status` = 'write_forbidden'"));
      const reply = await command('telegram.channel.send', {
        channelId: alerts.id,
        text: 'denied again',
        messageId: 'denied-2',
      });
      await dropped;
      expect(reply).toMatchObject({ ok: false, error: { code: 'TELEGRAM_WRITE_FORBIDDEN', status: 422 } });
      expect(logLines.join('')).toMatch(
        /noting what a failed send said of its bot or channel failed[^\n]*denied-2/,
      );
      expect(await ok<Message>('telegram.bot.message.get', { id: 'denied-2' })).toMatchObject({
        status: 'failed',
        error: { code: 'TELEGRAM_WRITE_FORBIDDEN' },
      });
    });

    it('answers and records a send Telegram took as sent, once, when MariaDB is lost as it is recorded', async () => {
      // The settle's UPDATE names the row's new status; the connection drops once it is on the wire, its answer
      // never comes. Telegram took the message: it must not be answered or recorded as failed (ADR 0024).
      const dropped = mysql.dropWhenClientSends(Buffer.from("`status` = 'sent'"));
      const sent = await ok<Message>('telegram.bot.send', {
        botId: bot.id,
        chatId: group.id,
        text: 'recorded after all',
        messageId: 'record-1',
      });
      await dropped;
      expect(sent).toMatchObject({ id: 'record-1', status: 'sent' });
      expect((await control.messages(group.id)).filter((m) => m.text === 'recorded after all')).toHaveLength(
        1,
      );
      const row = await connector.db
        .selectFrom('telegram_messages')
        .select(['status', 'error_code'])
        .where('id', '=', 'record-1')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'sent', error_code: null });
      // The drop hit this send's record, which was written again.
      expect(logLines.join('')).toMatch(
        /recording a message's outcome failed; writing it again[^\n]*record-1/,
      );
      // One event, whether the lost try had committed or not: a second would be a second row in the outbox.
      const outboxRows = await connector.db
        .selectFrom('outbox')
        .select(['routing_key', 'published_at'])
        .where('envelope', 'like', '%"messageId":"record-1"%')
        .execute();
      expect(outboxRows.map((r) => r.routing_key)).toEqual(['telegram.message.sent']);
      const eventsOf = () =>
        events.filter((e) => (e.data as { messageId?: string }).messageId === 'record-1').map((e) => e.type);
      await until(() => eventsOf().length > 0);
      expect(eventsOf()).toEqual(['telegram.message.sent']);
    });

    it('opens the breaker on a failing Bot API and then answers TELEGRAM_UNAVAILABLE without calling Telegram', async () => {
      await control.addFault({
        target: `bot:${botTelegramId}`,
        kind: 'error',
        status: 500,
        message: 'Internal Server Error',
        count: 1000,
      });
      const send = (id: string) =>
        command('telegram.bot.send', { botId: bot.id, chatId: group.id, text: id, messageId: id });
      // Each failure is answered as it comes (a 5xx is never retried: the message may have gone out). The breaker
      // opens once failures are half the calls of its 10 s window, which still holds the successful sends of the
      // tests before: how many failures that takes depends on how fast those ran, so the bound is generous.
      let attempts = 0;
      let reply = await send('fail-0');
      while (!(!reply.ok && reply.error.retryAfter === 60) && attempts < 400) {
        expect(reply).toMatchObject({ ok: false, error: { code: 'TELEGRAM_UNAVAILABLE' } });
        attempts += 1;
        reply = await send(`fail-${attempts}`);
      }
      expect(reply).toMatchObject({ ok: false, error: { code: 'TELEGRAM_UNAVAILABLE', retryAfter: 60 } });
      // Telegram is healthy again, but the breaker stays open: nothing reaches it until the reset time.
      await control.clearFaults();
      const before = (await control.messages(group.id)).length;
      for (const id of ['open-1', 'open-2', 'open-3']) {
        expect(await send(id)).toMatchObject({
          ok: false,
          error: { code: 'TELEGRAM_UNAVAILABLE', retryAfter: 60 },
        });
      }
      expect(await control.messages(group.id)).toHaveLength(before);
      // All the window's calls are this bot's, so the connector-wide breaker may open first: each breaker rolls
      // its window on its own clock (opossum's buckets start with the breaker), and the wide one may already have
      // dropped successes that the bot's still counts. Either way one of the two is open.
      expect(await (await fetch(`${connector.url}/metrics`)).text()).toMatch(
        /circuit_breaker_state\{breaker="(bot:[^"]+|bot-api)",service="connector-telegram-bot"\} 2/,
      );
      await control.clearFaults();
    });
  });

  it('removes a bot with its channels, announcing each channel as removed, and never logged the token', async () => {
    const channelIds = (await connector.db.selectFrom('telegram_channels').select('id').execute()).map(
      (r) => r.id,
    );
    expect(channelIds.length).toBeGreaterThan(0);
    expect(await ok('telegram.bot.remove', { id: bot.id })).toEqual({});
    await until(() => events.some((e) => e.type === 'telegram.bot.removed'));
    const removed = events.filter((e) => e.type === 'telegram.channel.removed').map((e) => e.data);
    expect(removed).toEqual(channelIds.map((channelId) => ({ userId: 'alice', channelId })));
    expect(await command('telegram.bot.get', { id: bot.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await connector.db.selectFrom('telegram_channels').select('id').execute()).toHaveLength(0);
    expect(logLines.join('')).not.toContain(botToken.split(':')[1]);
  });
});
