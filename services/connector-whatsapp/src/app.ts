import { BreakerSet } from '@integrations/connector-kit';
import { createLogger, type Logger } from '@integrations/observability';
import type { Kysely } from '@integrations/persistence';
import { createCipherFromEnv, fieldSealer, hashKeyFromEnv } from '@integrations/secrets';
import { startServiceBase } from '@integrations/service-kit';
import { COMMAND_BINDINGS, commandHandler } from './commands';
import type { WhatsAppConnectorConfig } from './config';
import { migrations } from './db/migrations';
import type { WhatsAppDatabase } from './db/schema';
import { GraphClient, isGraphFailure } from './graph/graph-client';
import { NumberThrottle } from './graph/throttle';
import { WhatsAppMessagesRepository } from './messages/messages.repository';
import { MessagesService } from './messages/messages.service';
import { whatsappMetrics } from './metrics';
import { NumbersRepository } from './numbers/numbers.repository';
import { NumbersService } from './numbers/numbers.service';
import { startWebhookServer } from './webhooks/webhook-server';
import { WebhooksService } from './webhooks/webhooks.service';

export const SERVICE = 'connector-whatsapp';

export interface WhatsAppConnector {
  /** The ops server. */
  url: string;
  /** The webhook server Meta posts to. */
  webhookUrl: string;
  db: Kysely<WhatsAppDatabase>;
  close(): Promise<void>;
}

/** The WhatsApp connector: numbers, sends and Meta's webhooks over the Cloud API. */
export async function startWhatsAppConnector(
  config: WhatsAppConnectorConfig,
  logger: Logger = createLogger({ service: SERVICE }),
): Promise<WhatsAppConnector> {
  const cipher = createCipherFromEnv(config.secretsEnv);
  const base = await startServiceBase<WhatsAppDatabase>({
    service: SERVICE,
    logger,
    mysqlUrl: config.mysqlUrl,
    database: config.database,
    migrations,
    amqpUrl: config.amqpUrl,
    // A connect waiting in a retry queue keeps its access token and app secret sealed with this key.
    sealer: fieldSealer(cipher),
    retention: {
      intervalMs: config.retentionIntervalMs,
      rules: [
        ...['sent', 'failed'].map((status) => ({
          table: 'whatsapp_messages',
          days: config.messageRetentionDays,
          where: { status },
        })),
        { table: 'whatsapp_message_statuses', days: config.messageRetentionDays },
      ],
    },
  });
  const { registry, db, messaging, relay } = base;
  const metrics = whatsappMetrics(registry);
  const makeEnvelope = messaging.makeEnvelope.bind(messaging);

  const breakers = new BreakerSet({
    name: 'graph-api',
    keyPrefix: 'number',
    timeoutMs: config.callTimeoutMs,
    resetMs: config.breakerResetMs,
    registry,
    logger,
    isFailure: isGraphFailure,
  });
  const graph = new GraphClient(config, breakers);
  const throttle = new NumberThrottle(config.perNumber, Date.now, undefined, () => metrics.throttled.inc());
  const numberStore = new NumbersRepository(db);
  let webhookBaseUrl = config.webhookBaseUrl;
  const numbers = new NumbersService({
    store: numberStore,
    cipher,
    hashKey: hashKeyFromEnv(config.secretsEnv),
    graph: {
      describeNumber: (id, token) => graph.describeNumber(id, token),
      subscribe: (id, token, url, verifyToken) => graph.subscribe(id, token, url, verifyToken),
      forget: (key) => {
        graph.forget(key);
        throttle.forget(key);
      },
    },
    makeEnvelope,
    relay,
    logger,
    webhookBaseUrl: () => webhookBaseUrl,
  });
  const store = new WhatsAppMessagesRepository(db);
  const messages = new MessagesService({
    store,
    numbers: {
      sendable: (caller, id) => numbers.sendable(caller, id),
      tokenOf: (row) => numbers.tokenOf(row),
      markRevoked: (row) => numbers.markRevoked(row),
    },
    send: (number, token, to, body) =>
      throttle.run(number.id, () => graph.send(number.id, number.phone_number_id, token, to, body)),
    makeEnvelope,
    relay,
    metrics,
    logger,
  });
  const webhooks = new WebhooksService({
    numbers,
    numberStore,
    messages,
    store,
    makeEnvelope,
    relay,
    metrics,
  });
  const webhookServer = await startWebhookServer({
    port: config.webhookPort,
    host: config.webhookHost,
    webhooks,
    logger,
    onTooLarge: () => metrics.webhookRejected.inc({ reason: 'too_large' }),
  });
  if (!webhookBaseUrl && config.sandbox) webhookBaseUrl = webhookServer.url;

  const handle = commandHandler({ numbers, messages }, registry);
  await messaging.consumeCommands({
    queue: SERVICE,
    bindings: COMMAND_BINDINGS,
    handler: (envelope) => handle(envelope),
  });
  const recovered = await messages.recoverQueued();
  if (recovered > 0) logger.info('resuming queued sends', { count: recovered });
  // Sends cut off by a replica that stopped inside the call to Meta are settled once they are surely not in flight.
  const settle = () =>
    messages
      .settleOrphans(config.orphanAfterMs)
      .catch((error: unknown) => logger.warn('settling orphaned sends failed', { error }));
  void settle();
  const sweep = setInterval(() => void settle(), Math.min(60_000, config.orphanAfterMs));
  sweep.unref();

  const ops = await base.serveOps({ port: config.port, host: config.host });
  logger.info('whatsapp connector ready', {
    port: ops.port,
    webhookPort: webhookServer.port,
    graph: new URL(config.graphUrl).host,
  });

  return {
    url: ops.url,
    webhookUrl: webhookServer.url,
    db,
    async close() {
      clearInterval(sweep);
      await messaging.close();
      await webhookServer.close();
      await messages.drain();
      breakers.shutdown();
      await base.close();
    },
  };
}
