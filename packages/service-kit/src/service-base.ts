import type { Envelope } from '@integrations/contracts';
import { Messaging, type FieldSealer } from '@integrations/messaging';
import {
  createMetricsRegistry,
  startOpsServer,
  type Logger,
  type OpsServer,
  type ReadinessCheck,
  type Registry,
} from '@integrations/observability';
import {
  createDb,
  ensureDatabase,
  migrateToLatest,
  retentionJob,
  sql,
  startOutboxRelay,
  type Kysely,
  type Migration,
  type OutboxRelay,
  type OutboxTable,
  type RetentionRule,
} from '@integrations/persistence';
import { Redis } from 'ioredis';

export interface ServiceBaseOptions {
  service: string;
  logger: Logger;
  mysqlUrl: string;
  database: string;
  migrations: Record<string, Migration>;
  amqpUrl: string;
  /** Seals secret fields of commands waiting in retry queues (see MessagingOptions.sealer). */
  sealer?: FieldSealer;
  /** Services that keep state in Redis (flows, leases, heartbeats) get a client, and a readiness check for it. */
  redisUrl?: string;
  /** What the service forgets with age (old messages, old log entries), swept in small batches in the background. */
  retention?: { rules: RetentionRule[]; intervalMs: number };
}

export interface ServiceBase<DB> {
  registry: Registry;
  db: Kysely<DB>;
  messaging: Messaging;
  relay: OutboxRelay;
  redis: Redis | undefined;
  /** The ops server (`/health/*`, `/metrics`) with readiness of MySQL, RabbitMQ and Redis, plus `checks`. */
  serveOps(
    address: { port: number; host: string },
    checks?: Record<string, ReadinessCheck>,
  ): Promise<OpsServer>;
  /** Stops the relay and the ops server and closes RabbitMQ, Redis and the database (messaging may be closed first). */
  close(): Promise<void>;
}

/**
 * What every back-end service starts with, in order: its metrics registry, its own database created and
 * migrated, RabbitMQ, the outbox relay publishing through it, and Redis when it needs one. The service adds its
 * own parts on top and serves the ops server once it is ready.
 */
export async function startServiceBase<DB extends OutboxTable>(
  options: ServiceBaseOptions,
): Promise<ServiceBase<DB>> {
  const { service, logger } = options;
  const registry = createMetricsRegistry({ service });
  await ensureDatabase(options.mysqlUrl, options.database);
  const db = createDb<DB>({ url: options.mysqlUrl, database: options.database });
  await migrateToLatest(db as Kysely<unknown>, options.migrations, logger);
  let redis: Redis | undefined;
  if (options.redisUrl) {
    redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    redis.on('error', (error) => logger.warn('redis error', { error }));
  }
  const messaging = await Messaging.connect({
    url: options.amqpUrl,
    service,
    logger,
    registry,
    ...(options.sealer ? { sealer: options.sealer } : {}),
  });
  const relay = startOutboxRelay({
    // Every service database has the outbox table; Kysely cannot narrow a generic database to it.
    db: db as unknown as Kysely<OutboxTable>,
    logger,
    publish: (exchange, routingKey, envelope) =>
      messaging.publishEnvelope(exchange, routingKey, envelope as Envelope),
    // A service stopping closes its broker connection before its sends drain: their events wait for the relay.
    connected: () => messaging.isConnected(),
  });
  // Back from an outage: what piled up goes out now, not at the end of the relay's back-off.
  messaging.onConnect(() => relay.resume());
  let ops: OpsServer | undefined;
  const retention = options.retention?.rules.length
    ? retentionJob(db as unknown as Kysely<unknown>, {
        rules: options.retention.rules,
        intervalMs: options.retention.intervalMs,
        onSwept: (deleted) => {
          if (Object.values(deleted).some((n) => n > 0)) logger.info('retention sweep', { deleted });
        },
        onError: (error) => logger.warn('retention sweep failed; the next one continues', { error }),
      })
    : undefined;
  retention?.start();

  return {
    registry,
    db,
    messaging,
    relay,
    redis,
    async serveOps(address, checks = {}) {
      ops = await startOpsServer({
        ...address,
        registry,
        checks: {
          rabbitmq: () => messaging.isConnected(),
          mysql: async () => (await sql`select 1`.execute(db), true),
          ...(redis ? { redis: async () => (await redis.ping()) === 'PONG' } : {}),
          ...checks,
        },
      });
      return ops;
    },
    async close() {
      await retention?.stop();
      await relay.stop();
      await ops?.close();
      // Services close messaging first to stop taking commands while they drain; closing twice is harmless.
      await messaging.close();
      redis?.disconnect();
      await db.destroy();
    },
  };
}
