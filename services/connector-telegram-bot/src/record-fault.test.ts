import type { Bot, Envelope, Message } from '@integrations/contracts';
import { Messaging } from '@integrations/messaging';
import { createLogger } from '@integrations/observability';
import { EmulatorClient, startEmulator } from '@integrations/telegram-emulator';
import {
  createTestDatabase,
  createTestVhost,
  infra,
  startProxyFor,
  uniqueName,
  until,
  type TcpProxy,
  type TestDatabase,
  type TestVhost,
} from '@integrations/testing';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { startBotConnector, type BotConnector } from './app';
import { loadConfig } from './config';

/**
 * MariaDB's connection is lost just as a send that Telegram took is being recorded (the settle's statements are on
 * the wire, their answer never comes). The send was made: it is answered and recorded as sent, once, never failed.
 */
describe('connector-telegram-bot: the database lost while a sent message is recorded', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let control: EmulatorClient;
  let database: TestDatabase;
  let vhost: TestVhost;
  let mysql: TcpProxy;
  let connector: BotConnector;
  let client: Messaging;
  const events: Envelope[] = [];
  const alice = { userId: 'alice' };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, mtprotoPort: false });
    control = new EmulatorClient(emulator.url);
    [database, vhost, mysql] = await Promise.all([
      createTestDatabase('record'),
      createTestVhost('record'),
      startProxyFor(infra.mysqlUrl, 3306),
    ]);
    const config = loadConfig({
      AMQP_URL: vhost.url,
      MYSQL_URL: mysql.url(infra.mysqlUrl),
      REDIS_URL: infra.redisUrl,
      REDIS_PREFIX: `${uniqueName('record')}:`,
      BOT_DATABASE: database.name,
      CONNECTOR_BOT_PORT: '0',
      CONNECTOR_BOT_HOST: '127.0.0.1',
      TELEGRAM_BOT_API_URL: emulator.url,
      TELEGRAM_POLL_TIMEOUT_S: '1',
      SECRETS_KEYRING: JSON.stringify({ 'telegram-bots': { '1': randomBytes(32).toString('base64') } }),
    });
    connector = await startBotConnector(
      config,
      createLogger({ service: 'connector-telegram-bot', stream: new PassThrough() }),
    );
    client = await Messaging.connect({ url: vhost.url, service: 'test-api' });
    await client.consumeEvents({
      queue: 'test-events',
      patterns: ['telegram.message.*'],
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

  const ok = async <T>(type: string, data: unknown): Promise<T> => {
    const reply = await client.request<T>(type, data, alice, { timeoutMs: 30_000 });
    if (!reply.ok) throw new Error(`${type} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };

  it('answers and records it as sent, with one event, when the connection drops during its record', async () => {
    const created = await control.createBot({ username: 'record_bot', firstName: 'Record' });
    const bot = await ok<Bot>('telegram.bot.connect', { token: created.token });
    const group = await control.createChat({
      type: 'supergroup',
      title: 'Record',
      members: [{ botId: created.id, role: 'member' }],
    });

    // The settle's UPDATE names the row's new status; nothing else on this connector's connections does.
    const dropped = mysql.dropWhenClientSends(Buffer.from("`status` = 'sent'"));
    const sent = await ok<Message>('telegram.bot.send', {
      botId: bot.id,
      chatId: String(group.id),
      text: 'recorded after all',
      messageId: 'record-1',
    });
    await dropped;
    expect(sent).toMatchObject({ id: 'record-1', status: 'sent' });
    expect((await control.messages(group.id)).map((m) => m.text)).toEqual(['recorded after all']);

    const row = await connector.db
      .selectFrom('telegram_messages')
      .select(['status', 'error_code'])
      .where('id', '=', 'record-1')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'sent', error_code: null });
    expect(await ok<Message>('telegram.bot.message.get', { id: 'record-1' })).toMatchObject({
      status: 'sent',
    });
    await until(() => events.some((e) => e.type === 'telegram.message.sent'));
    expect(events.map((e) => e.type)).toEqual(['telegram.message.sent']);
  });
});
