import { createLogger, telegramMetrics, type Logger } from '@integrations/observability';
import { KeyRotationJob, type Kysely } from '@integrations/persistence';
import { createCipherFromEnv, KEY_NAMES } from '@integrations/secrets';
import { startServiceBase } from '@integrations/service-kit';
import { AccountStore } from './accounts/account-store';
import { AccountsService } from './accounts/accounts.service';
import { AccountChannelsService } from './channels/channels.service';
import { COMMAND_BINDINGS, commandHandler } from './commands';
import type { AccountConnectorConfig } from './config';
import { migrations } from './db/migrations';
import type { AccountDatabase } from './db/schema';
import { FlowsService } from './flows/flows.service';
import { AccountSender } from './messages/account-sender';
import { AccountMessagesService } from './messages/messages.service';
import { ClientFactory } from './telegram/client-factory';
import { AccountShards } from './shards/account-shards';
import { ShardLeases } from './shards/shard-leases';
import { LiveClients } from './telegram/live-clients';

export const SERVICE = 'connector-telegram-account';

export interface AccountConnector {
  url: string;
  db: Kysely<AccountDatabase>;
  close(): Promise<void>;
}

/**
 * The account connector: Telegram user accounts over MTProto (GramJS). Connect flows, the accounts' live clients
 * (restored on start), sends as an account and their inbound messages as events.
 */
export async function startAccountConnector(
  config: AccountConnectorConfig,
  logger: Logger = createLogger({ service: SERVICE }),
): Promise<AccountConnector> {
  const base = await startServiceBase<AccountDatabase>({
    service: SERVICE,
    logger,
    mysqlUrl: config.mysqlUrl,
    database: config.database,
    migrations,
    amqpUrl: config.amqpUrl,
    redisUrl: config.redisUrl,
  });
  const { registry, db, messaging, relay } = base;
  const redis = base.redis!;

  const cipher = createCipherFromEnv(config.secretsEnv);
  const store = new AccountStore(db, cipher);
  const factory = new ClientFactory(config);
  const live = new LiveClients({
    store,
    factory,
    messaging,
    relay,
    logger,
    callTimeoutMs: config.callTimeoutMs,
  });
  const sender = new AccountSender({
    intervalMs: config.sendIntervalMs,
    breakerResetMs: config.breakerResetMs,
    timeoutMs: config.callTimeoutMs,
    registry,
    logger,
  });
  const accounts = new AccountsService({ store, live, sender, messaging, relay, logger });
  const flows = new FlowsService({
    redis,
    prefix: config.redisPrefix,
    ttlMs: config.flowTtlMs,
    factory,
    store,
    live,
    messaging,
    relay,
    logger,
    apiId: config.apiId,
    apiHash: config.apiHash,
  });
  const channels = new AccountChannelsService({ store, live, messaging, relay });
  const messages = new AccountMessagesService({
    store,
    live,
    sender,
    channels,
    messaging,
    relay,
    registry,
    logger,
  });
  const keys = new KeyRotationJob({
    db,
    cipher,
    keyName: KEY_NAMES.sessions,
    column: {
      table: 'telegram_sessions',
      id: 'id',
      ciphertext: 'session_enc',
      version: 'session_key_version',
    },
    envelope: (type, data, ctx) => messaging.makeEnvelope(type, data, ctx),
    relay,
    logger,
    registry,
  });

  // Every account command goes to its user's shard; this replica serves the shards it holds leases on.
  const shards = new AccountShards({
    service: SERVICE,
    shards: config.shards,
    messaging,
    handler: commandHandler({ accounts, channels, flows, messages }, registry),
    store,
    live,
    flows,
    messages,
    restoreConcurrency: config.restoreConcurrency,
    registry,
    logger,
  });
  await shards.route(COMMAND_BINDINGS);
  const leases = new ShardLeases({
    redis,
    prefix: config.redisPrefix,
    shards: config.shards,
    ttlMs: config.shardLeaseMs,
    owner: shards,
    logger,
  });
  const started = Date.now();
  await leases.start();
  logger.info('shards taken and their sessions restored', {
    shards: [...leases.owned.keys()],
    live: live.size,
    ms: Date.now() - started,
  });
  void keys.start({ userId: 'system' });

  const metrics = telegramMetrics(registry);
  const gauges = async (): Promise<void> => {
    const counts = await store.counts();
    metrics.sessionsTotal.set(
      { type: 'account' },
      counts.active + counts.error + counts.connecting + counts.revoked,
    );
    metrics.sessionsActive.set({ type: 'account' }, live.size);
    metrics.sessionsError.set({ type: 'account' }, counts.error + counts.revoked);
    metrics.sendQueueDepth.set({ type: 'account' }, sender.queued());
  };
  const gaugeTimer = setInterval(() => void gauges().catch(() => undefined), 5_000);
  gaugeTimer.unref();
  await gauges();
  // One sweep at a time: a slow one is never overlapped by the next.
  let sweeping = false;
  const sweepTimer =
    config.healthSweepMs > 0
      ? setInterval(() => {
          if (sweeping) return;
          sweeping = true;
          void live
            .sweep(config.restoreConcurrency)
            .then(() => shards.reconnectMissing())
            .then(() => gauges())
            .catch((error: unknown) => logger.warn('session health sweep failed', { error }))
            .finally(() => (sweeping = false));
        }, config.healthSweepMs)
      : undefined;
  sweepTimer?.unref();

  const ops = await base.serveOps({ port: config.port, host: config.host });
  logger.info('account connector ready', {
    port: ops.port,
    mode: config.mode,
    replica: leases.replicaId,
    live: live.size,
  });

  return {
    url: ops.url,
    db,
    async close() {
      clearInterval(gaugeTimer);
      clearInterval(sweepTimer);
      // Shards first: their commands in hand finish and the other replicas take them over at once.
      await leases.stop();
      await messaging.close();
      messages.stopRetries();
      await messages.drain();
      await flows.close();
      await live.closeAll();
      sender.close();
      await base.close();
    },
  };
}
