import { retentionDays } from '@integrations/service-kit';
import { parseRetrySchedule, type DispatcherOptions } from './webhooks/dispatcher';

export interface AuditLogConfig {
  port: number;
  host: string;
  amqpUrl: string;
  mysqlUrl: string;
  database: string;
  webhooks: DispatcherOptions & { maxPerUser: number };
  /** Log entries and webhook deliveries older than this many days are deleted (statistics reach 90 days back). */
  logRetentionDays: number;
  retentionIntervalMs: number;
  secretsEnv: NodeJS.ProcessEnv;
}

/** Every setting of the service, read from the environment in one place (names as in the README). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuditLogConfig {
  const production = env.NODE_ENV === 'production';
  // Loopback and plain-http receivers are for development; production refuses them unless told otherwise.
  const allowPrivate = (env.WEBHOOK_ALLOW_PRIVATE_URLS ?? String(!production)) === 'true';
  return {
    port: Number(env.AUDIT_LOG_PORT ?? 9103),
    host: env.AUDIT_LOG_HOST ?? '0.0.0.0',
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    mysqlUrl: env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
    database: env.AUDIT_DATABASE ?? 'integrations_audit',
    webhooks: {
      policy: { allowPrivate, allowHttp: allowPrivate },
      retryScheduleMs: parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE),
      timeoutMs: Number(env.WEBHOOK_TIMEOUT_MS ?? 10_000),
      concurrency: Number(env.WEBHOOK_CONCURRENCY ?? 16),
      pollMs: Number(env.WEBHOOK_POLL_MS ?? 1000),
      maxPerUser: Number(env.WEBHOOK_MAX_PER_USER ?? 20),
    },
    logRetentionDays: retentionDays(env, 'LOG_RETENTION_DAYS', 90, 90),
    retentionIntervalMs: Number(env.RETENTION_INTERVAL_MS ?? 3_600_000),
    secretsEnv: env,
  };
}
