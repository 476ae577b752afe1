import { BreakerSet, startConnectorBase, type RunningConnector } from '@integrations/connector-kit';
import { createLogger, telegramMetrics, type Logger } from '@integrations/observability';
import { KEY_NAMES, hashKeyFromEnv } from '@integrations/secrets';
import { BotsRepository } from './bots/bots.repository';
import { BotsService, botTokenContext } from './bots/bots.service';
import { ChannelsRepository } from './channels/channels.repository';
import { ChannelsService } from './channels/channels.service';
import { COMMAND_BINDINGS, commandHandler } from './commands';
import type { BotConnectorConfig } from './config';
import { migrations } from './db/migrations';
import type { BotDatabase } from './db/schema';
import { UpdatesPoller } from './inbound/poller';
import { WebhookReceiver } from './inbound/webhook';
import { botMessageLedger, botMessagesRepository } from './messages/messages.ledger';
import { MessagesService } from './messages/messages.service';
import { ReplicaPresence } from './messages/replica-presence';
import { BotApiFactory } from './telegram/bot-api';

export const SERVICE = 'connector-telegram-bot';

export type BotConnector = RunningConnector<BotDatabase>;

/** The bot connector: bots, channels and groups through bots, sends and inbound updates over the Bot API. */
export async function startBotConnector(
  config: BotConnectorConfig,
  logger: Logger = createLogger({ service: SERVICE }),
): Promise<BotConnector> {
  const tables = { migrations, messagesTable: 'telegram_messages' };
  const base = await startConnectorBase<BotDatabase>(SERVICE, logger, config, tables);
  const { registry, db, messaging, relay, redis, cipher } = base;

  const breakers = new BreakerSet({
    name: 'bot-api',
    keyPrefix: 'bot',
    timeoutMs: config.callTimeoutMs,
    resetMs: config.breakerResetMs,
    registry,
    logger,
  });
  const apis = new BotApiFactory(config, breakers);
  const hashKey = hashKeyFromEnv(config.secretsEnv);
  const botRows = new BotsRepository(db);
  const channelRows = new ChannelsRepository(db);
  const messageRows = botMessagesRepository(db);
  const bots = new BotsService({
    bots: botRows,
    channels: channelRows,
    messages: messageRows,
    cipher,
    hashKey,
    apis,
    messaging,
    relay,
    options: { logger, ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}) },
  });
  const channels = new ChannelsService({ channels: channelRows, botRows, bots, apis, messaging, relay });
  const presence = new ReplicaPresence(redis, config.redisPrefix, config.replicaTtlMs);
  await presence.start();
  const ledger = botMessageLedger({ messaging, relay, registry, logger }, messageRows);
  const messages = new MessagesService({
    botRows,
    channelRows,
    bots,
    channels,
    apis,
    logger,
    presence,
    ledger,
  });
  const poller = new UpdatesPoller({
    botRows,
    redis,
    redisPrefix: config.redisPrefix,
    bots,
    botApiUrl: config.botApiUrl,
    messaging,
    relay,
    logger,
    pollTimeoutSeconds: config.pollTimeoutSeconds,
    breakers,
    callTimeoutMs: config.callTimeoutMs,
  });

  const webhooks = new WebhookReceiver({ bots: botRows, hashKey, messaging, relay });
  const keys = base.keyRotation(KEY_NAMES.bots, {
    table: 'telegram_bots',
    id: 'id',
    ciphertext: 'bot_token_enc',
    version: 'bot_token_key_version',
    binding: { rowKey: 'id', user: 'user_id', of: (row) => botTokenContext(row.rowKey, row.user) },
  });
  const handle = commandHandler({ bots, channels, messages, webhooks, keys }, registry);
  await messaging.consumeCommands({
    queue: SERVICE,
    bindings: COMMAND_BINDINGS,
    handler: async (envelope, meta) => {
      const result = await handle(envelope, meta);
      if (envelope.type === 'telegram.bot.connect') poller.nudge();
      if (envelope.type === 'telegram.bot.update' || envelope.type === 'platform.user.deleted')
        await poller.refresh();
      return result;
    },
  });
  poller.start();
  const depth = setInterval(
    () => telegramMetrics(registry).sendQueueDepth.set({ type: 'bot' }, apis.queued()),
    1000,
  );
  depth.unref();
  // A rewrap interrupted by a restart continues (it works on whatever rows are still on an older version).
  void keys.start({ userId: 'system' });
  const recovered = await messages.recoverQueued();
  if (recovered > 0) logger.info('resuming queued sends', { count: recovered });
  // Sends cut off by a replica that died are settled once its heartbeat has expired (here, or by a peer).
  // One sweep at a time: a sweep whose settles wait for MariaDB must not be joined by the next one.
  let sweeping: Promise<unknown> | undefined;
  const settle = () => {
    sweeping ??= messages
      .settleOrphans()
      .catch((error: unknown) => logger.warn('settling orphaned sends failed', { error }))
      .finally(() => (sweeping = undefined));
    return sweeping;
  };
  void settle();
  const sweep = setInterval(() => void settle(), config.replicaTtlMs);
  sweep.unref();

  const ops = await base.serveOps({ port: config.port, host: config.host });
  logger.info('bot connector ready', { port: ops.port, botApi: new URL(config.botApiUrl).host });

  return {
    url: ops.url,
    db,
    async close() {
      clearInterval(depth);
      clearInterval(sweep);
      await poller.stop();
      await messaging.close();
      await messages.drain();
      await presence.stop();
      breakers.shutdown();
      await base.close();
    },
  };
}
