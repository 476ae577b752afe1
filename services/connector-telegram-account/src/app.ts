import { startConnectorBase, type RunningConnector } from '@integrations/connector-kit';
import { createLogger, telegramMetrics, type Logger } from '@integrations/observability';
import { hashKeyFromEnv, KEY_NAMES } from '@integrations/secrets';
import { phoneContext, sessionContext } from './accounts/account-store';
import { AccountsRepository } from './accounts/accounts.repository';
import { AccountsService } from './accounts/accounts.service';
import { AccountChannelsRepository } from './channels/channels.repository';
import { AccountChannelsService } from './channels/channels.service';
import { COMMAND_BINDINGS, commandHandler } from './commands';
import type { AccountConnectorConfig } from './config';
import { migrations } from './db/migrations';
import type { AccountDatabase } from './db/schema';
import { FlowsService } from './flows/flows.service';
import { AccountSender } from './messages/account-sender';
import { accountMessageLedger, accountMessagesRepository } from './messages/messages.ledger';
import { AccountMessagesService } from './messages/messages.service';
import { ClientFactory } from './telegram/client-factory';
import { AccountShards } from './shards/account-shards';
import { ShardLeases } from './shards/shard-leases';
import { LiveClients } from './telegram/live-clients';
import { TelegramCalls } from './telegram/telegram-calls';

export const SERVICE = 'connector-telegram-account';

export type AccountConnector = RunningConnector<AccountDatabase>;

/**
 * The account connector: Telegram user accounts over MTProto (GramJS). Connect flows, the accounts' live clients
 * (restored in the background once their shard is taken), sends as an account and their inbound messages as
 * events. `/health/live` answers as soon as the process runs; `/health/ready` once its first shards are taken and
 * their commands consumed, whatever Telegram does meanwhile.
 */
export async function startAccountConnector(
  config: AccountConnectorConfig,
  logger: Logger = createLogger({ service: SERVICE }),
): Promise<AccountConnector> {
  const tables = { migrations, messagesTable: 'telegram_account_messages' };
  const base = await startConnectorBase<AccountDatabase>(SERVICE, logger, config, tables);
  const { registry, db, messaging, relay, redis, cipher } = base;

  const store = new AccountsRepository(db, cipher, hashKeyFromEnv(config.secretsEnv));
  const channelRows = new AccountChannelsRepository(db);
  const messageRows = accountMessagesRepository(db);
  const factory = new ClientFactory(config);
  const calls = new TelegramCalls({
    timeoutMs: config.callTimeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    resetMs: config.breakerResetMs,
    registry,
    logger,
  });
  const live = new LiveClients({
    store,
    factory,
    messaging,
    relay,
    logger,
    calls,
    callTimeoutMs: config.callTimeoutMs,
  });
  const sender = new AccountSender({ intervalMs: config.sendIntervalMs, calls });
  const accounts = new AccountsService({
    accounts: store,
    channels: channelRows,
    messages: messageRows,
    live,
    sender,
    messaging,
    relay,
    logger,
  });
  const flows = new FlowsService({
    redis,
    prefix: config.redisPrefix,
    ttlMs: config.flowTtlMs,
    factory,
    store,
    live,
    calls,
    callTimeoutMs: config.callTimeoutMs,
    messaging,
    relay,
    logger,
    apiId: config.apiId,
    apiHash: config.apiHash,
  });
  const channels = new AccountChannelsService({
    accounts: store,
    channels: channelRows,
    live,
    calls,
    messaging,
    relay,
  });
  const ledger = accountMessageLedger({ messaging, relay, registry, logger }, messageRows);
  const messages = new AccountMessagesService({
    accounts: store,
    channelRows,
    live,
    sender,
    channels,
    logger,
    ledger,
  });
  const keys = base.keyRotation(
    KEY_NAMES.sessions,
    // The session and the full phone number: one key, both rewrapped (each bound to its row).
    [
      {
        table: 'telegram_sessions',
        id: 'id',
        ciphertext: 'session_enc',
        version: 'session_key_version',
        binding: {
          rowKey: 'telegram_user_id',
          user: 'user_id',
          of: (row) => sessionContext(row.rowKey, row.user),
        },
      },
      {
        table: 'telegram_sessions',
        id: 'id',
        ciphertext: 'phone_enc',
        version: 'phone_key_version',
        binding: {
          rowKey: 'telegram_user_id',
          user: 'user_id',
          of: (row) => phoneContext(row.rowKey, row.user),
        },
      },
    ],
  );

  // Every account command goes to its user's shard; this replica serves the shards it holds leases on.
  const shards = new AccountShards({
    service: SERVICE,
    shards: config.shards,
    messaging,
    handler: commandHandler({ accounts, channels, flows, messages, keys }, registry),
    store,
    live,
    flows,
    messages,
    restoreConcurrency: config.restoreConcurrency,
    registry,
    logger,
  });
  const leases = new ShardLeases({
    redis,
    prefix: config.redisPrefix,
    shards: config.shards,
    ttlMs: config.shardLeaseMs,
    owner: shards,
    logger,
  });
  // Alive at once (a liveness probe never kills a replica that waits for Telegram); ready once shards are served.
  let serving = false;
  const ops = await base.serveOps({ port: config.port, host: config.host }, { shards: () => serving });
  try {
    await shards.route(COMMAND_BINDINGS);
    await leases.start();
  } catch (error) {
    await leases.stop().catch(() => undefined);
    await base.close();
    throw error;
  }
  serving = true;
  logger.info('account connector ready', {
    port: ops.port,
    mode: config.mode,
    replica: leases.replicaId,
    shards: [...leases.owned.keys()],
  });
  void keys.start({ userId: 'system' });

  // Counted over the shards this replica holds, so the replicas' series add up to the table once.
  const metrics = telegramMetrics(registry);
  const gauges = async (): Promise<void> => {
    const counts = await store.counts(shards.held());
    metrics.sessionsTotal.set(
      { type: 'account' },
      counts.active + counts.error + counts.connecting + counts.revoked,
    );
    metrics.sessionsActive.set({ type: 'account' }, live.size);
    metrics.sessionsConnecting.set({ type: 'account' }, counts.connecting);
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
      await messages.drain(true);
      await flows.close();
      await live.closeAll();
      calls.close();
      await base.close();
    },
  };
}
