import type {
  AuditLogsQueryCommand,
  AuditStatsQueryCommand,
  Envelope,
  PlatformUserDeletedCommand,
} from '@integrations/contracts';
import { contextOf, purgeSubject } from '@integrations/messaging';
import { createLogger, type Logger } from '@integrations/observability';
import { KeyRotationJob, type Kysely } from '@integrations/persistence';
import { KEY_NAMES, createCipherFromEnv } from '@integrations/secrets';
import { startServiceBase } from '@integrations/service-kit';
import type { AuditLogConfig } from './config';
import { migrations } from './db/migrations';
import type { AuditDatabase } from './db/schema';
import { GroupCommit } from './logs/group-commit';
import { LogsRepository } from './logs/logs.repository';
import { StatsRepository } from './logs/stats.repository';
import { UserPurgeService } from './users/user-purge';
import { WEBHOOK_COMMAND_BINDINGS, webhookCommandHandler } from './webhooks/commands';
import { WebhookDispatcher } from './webhooks/dispatcher';
import { WebhooksService, webhookSecretContext } from './webhooks/webhooks.service';

export const SERVICE = 'audit-log';

export interface AuditLogService {
  url: string;
  db: Kysely<AuditDatabase>;
  close(): Promise<void>;
}

/**
 * audit-log: every event on `integrations.events` becomes one `integration_logs` row (idempotent by event id),
 * and `audit.logs.query` answers the api's `GET /api/integrations/logs`. It also sends events out as signed
 * webhooks, from its own queue, so a slow receiver never holds up the audit trail.
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

  // The events in flight (up to the prefetch) are recorded together: one INSERT per delivery batch.
  const logs = new GroupCommit((envelopes: Envelope[]) => repository.record(envelopes));
  await messaging.consumeEvents({
    queue: SERVICE,
    patterns: ['#'],
    handler: (envelope) => logs.add(envelope),
  });
  await messaging.consumeEvents({
    queue: `${SERVICE}.webhooks`,
    patterns: ['#'],
    handler: async (envelope) => {
      await webhooks.fanOut(envelope);
    },
  });
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
      await dispatcher.stop();
      await base.close();
    },
  };
}
