import type {
  AuditLogsQueryCommand,
  AuditStatsQueryCommand,
  Envelope,
  PlatformUserDeletedCommand,
} from '@integrations/contracts';
import { contextOf, purgeSubject } from '@integrations/messaging';
import { createLogger, type Logger } from '@integrations/observability';
import { GroupCommit, KeyRotationJob, type Kysely } from '@integrations/persistence';
import { KEY_NAMES, createCipherFromEnv } from '@integrations/secrets';
import { startServiceBase } from '@integrations/service-kit';
import type { AuditLogConfig } from './config';
import { migrations } from './db/migrations';
import type { AuditDatabase } from './db/schema';
import { EventBatchWriter } from './logs/event-batch';
import { LogsRepository } from './logs/logs.repository';
import { StatsRepository } from './logs/stats.repository';
import { UserPurgeService } from './users/user-purge';
import { WEBHOOK_COMMAND_BINDINGS, webhookCommandHandler } from './webhooks/commands';
import { WebhookDispatcher } from './webhooks/dispatcher';
import { WebhooksService, webhookSecretContext } from './webhooks/webhooks.service';

export const SERVICE = 'audit-log';
/** The webhooks' own event queue of earlier versions, retired (drained, then deleted) by this one. */
const LEGACY_WEBHOOKS_QUEUE = `${SERVICE}.webhooks`;
/** How often to look again while a replica of an earlier version still consumes it. */
const LEGACY_QUEUE_PASS_MS = 30_000;

export interface AuditLogService {
  url: string;
  db: Kysely<AuditDatabase>;
  close(): Promise<void>;
}

/**
 * audit-log: every event on `integrations.events` becomes one `integration_logs` row (idempotent by event id),
 * and `audit.logs.query` answers the api's `GET /api/integrations/logs`. It also sends events out as signed
 * webhooks: the deliveries are written with the log entries, and the dispatcher sends them from the table, so a
 * slow receiver never holds up the audit trail.
 */
export async function startAuditLog(
  config: AuditLogConfig,
  logger: Logger = createLogger({ service: SERVICE }),
): Promise<AuditLogService> {
  const base = await startServiceBase<AuditDatabase>({
    service: SERVICE,
    logger,
    mysqlUrl: config.mysqlUrl,
    database: config.database,
    migrations,
    amqpUrl: config.amqpUrl,
    retention: {
      intervalMs: config.retentionIntervalMs,
      rules: [
        { table: 'integration_logs', days: config.logRetentionDays },
        // A delivery still pending is never that old; finished ones go with the log (their attempts cascade).
        ...['delivered', 'failed'].map((status) => ({
          table: 'webhook_deliveries',
          days: config.logRetentionDays,
          where: { status },
        })),
      ],
    },
  });
  const { registry, db, messaging, relay } = base;
  const repository = new LogsRepository(db);
  const stats = new StatsRepository(db);
  const cipher = createCipherFromEnv(config.secretsEnv);
  const dispatcher = new WebhookDispatcher({
    db,
    cipher,
    messaging,
    relay,
    logger,
    registry,
    options: config.webhooks,
  });
  const webhooks = new WebhooksService({
    db,
    cipher,
    messaging,
    relay,
    policy: config.webhooks.policy,
    maxPerUser: config.webhooks.maxPerUser,
    onDue: () => dispatcher.kick(),
  });

  // The events in flight (up to the prefetch) are written together: their log entries and webhook deliveries,
  // with one lookup of the batch's users' webhooks.
  const batches = new EventBatchWriter(db, () => dispatcher.kick());
  const logs = new GroupCommit(async (envelopes: Envelope[]) => {
    await batches.write(envelopes);
    return envelopes.map(() => undefined);
  });
  await messaging.consumeEvents({
    queue: SERVICE,
    patterns: ['#'],
    handler: (envelope) => logs.add(envelope),
  });
  // Before ADR 0015's "Fewer deliveries per event" webhooks had a queue of their own, also bound to every event.
  // What is left in it is written like any batch (its log entries are already there and are not written twice).
  const retired = messaging.retireEventQueue({
    queue: LEGACY_WEBHOOKS_QUEUE,
    patterns: ['#'],
    handler: (envelope) => logs.add(envelope),
  });
  retired.start(LEGACY_QUEUE_PASS_MS);
  const keys = new KeyRotationJob({
    db,
    cipher,
    keyName: KEY_NAMES.webhooks,
    column: {
      table: 'webhooks',
      id: 'id',
      ciphertext: 'secret_enc',
      version: 'secret_key_version',
      binding: { rowKey: 'id', user: 'user_id', of: (row) => webhookSecretContext(row.rowKey, row.user) },
    },
    envelope: (type, data, ctx) => messaging.makeEnvelope(type, data, ctx),
    relay,
    logger,
    registry,
  });
  const onWebhookCommand = webhookCommandHandler(webhooks, keys, registry);
  const purges = new UserPurgeService({ db, messaging, relay });
  await messaging.consumeCommands({
    queue: SERVICE,
    bindings: ['audit.logs.query', 'audit.stats.query', 'platform.user.deleted', ...WEBHOOK_COMMAND_BINDINGS],
    handler: async (envelope: Envelope) => {
      if (envelope.type === 'platform.user.deleted') {
        const userId = purgeSubject({ userId: envelope.userid }, envelope.data as PlatformUserDeletedCommand);
        return purges.purge(userId, contextOf(envelope));
      }
      if (envelope.type === 'audit.logs.query')
        return repository.query(
          envelope.userid,
          envelope.useradmin === true,
          envelope.data as AuditLogsQueryCommand,
        );
      if (envelope.type === 'audit.stats.query')
        return stats.messagesPerDay(envelope.userid, envelope.data as AuditStatsQueryCommand);
      return onWebhookCommand(envelope);
    },
  });
  dispatcher.start();
  // A rewrap interrupted by a stop continues here.
  void keys.start({ userId: 'system' });

  const ops = await base.serveOps({ port: config.port, host: config.host });
  logger.info('audit-log ready', { port: ops.port, database: config.database });

  return {
    url: ops.url,
    db,
    async close() {
      await retired.stop();
      await dispatcher.stop();
      await base.close();
    },
  };
}
