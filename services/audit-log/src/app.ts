import type { AuditLogsQueryCommand } from '@integrations/contracts';
import { Messaging } from '@integrations/messaging';
import {
  createLogger,
  createMetricsRegistry,
  startOpsServer,
  type Logger,
} from '@integrations/observability';
import { createDb, ensureDatabase, migrateToLatest, sql, type Kysely } from '@integrations/persistence';
import type { AuditLogConfig } from './config';
import { migrations } from './db/migrations';
import type { AuditDatabase } from './db/schema';
import { LogsRepository } from './logs/logs.repository';

export const SERVICE = 'audit-log';

export interface AuditLogService {
  url: string;
  db: Kysely<AuditDatabase>;
  close(): Promise<void>;
}

/**
 * audit-log: every event on `integrations.events` becomes one `integration_logs` row (idempotent by event id),
 * and `audit.logs.query` answers the api's `GET /api/integrations/logs`.
 */
export async function startAuditLog(
  config: AuditLogConfig,
  logger: Logger = createLogger({ service: SERVICE }),
): Promise<AuditLogService> {
  const registry = createMetricsRegistry({ service: SERVICE });
  await ensureDatabase(config.mysqlUrl, config.database);
  const db = createDb<AuditDatabase>({ url: config.mysqlUrl, database: config.database });
  await migrateToLatest(db as Kysely<unknown>, migrations, logger);
  const repository = new LogsRepository(db);

  const messaging = await Messaging.connect({ url: config.amqpUrl, service: SERVICE, logger, registry });
  await messaging.consumeEvents({
    queue: SERVICE,
    patterns: ['#'],
    handler: async (envelope) => {
      await repository.record(envelope);
    },
  });
  await messaging.consumeCommands({
    queue: SERVICE,
    bindings: ['audit.logs.query'],
    handler: async (envelope) =>
      repository.query(envelope.userid, envelope.useradmin === true, envelope.data as AuditLogsQueryCommand),
  });

  const ops = await startOpsServer({
    port: config.port,
    host: config.host,
    registry,
    checks: {
      rabbitmq: () => messaging.isConnected(),
      mysql: async () => (await sql`select 1`.execute(db), true),
    },
  });
  logger.info('audit-log ready', { port: ops.port, database: config.database });

  return {
    url: ops.url,
    db,
    async close() {
      await ops.close();
      await messaging.close();
      await db.destroy();
    },
  };
}
