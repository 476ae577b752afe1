import {
  KeyRotationJob,
  type EncryptedColumn,
  type Kysely,
  type Migration,
  type OutboxTable,
} from '@integrations/persistence';
import type { Logger } from '@integrations/observability';
import { createCipherFromEnv, fieldSealer, type SecretCipher } from '@integrations/secrets';
import { startServiceBase, type ServiceBase } from '@integrations/service-kit';
import type { Redis } from 'ioredis';

/** A started connector, as its `main` and the system tests hold it. */
export interface RunningConnector<DB> {
  /** Its ops server (`/health/*`, `/metrics`). */
  url: string;
  db: Kysely<DB>;
  close(): Promise<void>;
}

/** The settings every connector starts with (read by its `loadConfig`). */
export interface ConnectorBaseConfig {
  mysqlUrl: string;
  database: string;
  amqpUrl: string;
  redisUrl: string;
  /** Sent and failed messages older than this many days are deleted (queued ones never). */
  messageRetentionDays: number;
  retentionIntervalMs: number;
  secretsEnv: NodeJS.ProcessEnv;
}

export interface ConnectorBase<DB> extends ServiceBase<DB> {
  redis: Redis;
  /** The secrets cipher of `secretsEnv` (tokens, sessions, and the sealed fields of retried commands). */
  cipher: SecretCipher;
  /** A key rotation job of this connector: rewraps `column` under the key `keyName`, announcing it. */
  keyRotation(keyName: string, column: EncryptedColumn | readonly EncryptedColumn[]): KeyRotationJob;
}

/**
 * What a connector starts with on top of the service base: its cipher (which also seals the secret fields of
 * commands waiting in retry queues), Redis, and the retention of its finished messages (`sent` and `failed`
 * rows of `messagesTable` older than `messageRetentionDays`; queued ones never).
 */
export async function startConnectorBase<DB extends OutboxTable>(
  service: string,
  logger: Logger,
  config: ConnectorBaseConfig,
  options: { migrations: Record<string, Migration>; messagesTable: string },
): Promise<ConnectorBase<DB>> {
  const cipher = createCipherFromEnv(config.secretsEnv);
  const base = await startServiceBase<DB>({
    service,
    logger,
    mysqlUrl: config.mysqlUrl,
    database: config.database,
    migrations: options.migrations,
    amqpUrl: config.amqpUrl,
    // A command that waits in a retry queue keeps its token, password or code sealed with this key.
    sealer: fieldSealer(cipher),
    redisUrl: config.redisUrl,
    retention: {
      intervalMs: config.retentionIntervalMs,
      // One rule per finished status: each is a range scan of the (status, created_at) index.
      rules: ['sent', 'failed'].map((status) => ({
        table: options.messagesTable,
        days: config.messageRetentionDays,
        where: { status },
      })),
    },
  });
  const redis = base.redis;
  if (!redis) throw new Error('a connector needs Redis');
  const { db, messaging, relay, registry } = base;
  return {
    ...base,
    redis,
    cipher,
    keyRotation: (keyName, column) =>
      new KeyRotationJob({
        // The connector's own schema has the outbox; Kysely cannot see that through the type parameter.
        db: db as unknown as Kysely<OutboxTable>,
        cipher,
        keyName,
        column,
        envelope: (type, data, ctx) => messaging.makeEnvelope(type, data, ctx),
        relay,
        logger,
        registry,
      }),
  };
}
