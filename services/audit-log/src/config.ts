import { EnvReader, PORT, infrastructure, retention } from '@integrations/service-kit';
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
  const read = new EnvReader(env);
  const production = env.NODE_ENV === 'production';
  // Loopback and plain-http receivers are for development; production refuses them unless told otherwise.
  const allowPrivate = read.boolean('WEBHOOK_ALLOW_PRIVATE_URLS', !production);
  const positive = { min: 1 };
  const { amqpUrl, mysqlUrl } = infrastructure(read);
  const { days, intervalMs } = retention(read, 'LOG_RETENTION_DAYS', 90, 90);
  return {
    port: read.integer('AUDIT_LOG_PORT', 9103, PORT),
    host: read.string('AUDIT_LOG_HOST', '0.0.0.0'),
    amqpUrl,
    mysqlUrl,
    database: read.string('AUDIT_DATABASE', 'integrations_audit'),
    webhooks: {
      policy: { allowPrivate, allowHttp: allowPrivate },
      retryScheduleMs: parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE),
      timeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 10_000, positive),
      concurrency: read.integer('WEBHOOK_CONCURRENCY', 16, positive),
      pollMs: read.integer('WEBHOOK_POLL_MS', 1000, positive),
      maxPerUser: read.integer('WEBHOOK_MAX_PER_USER', 20, { min: 0 }),
    },
    logRetentionDays: days,
    retentionIntervalMs: intervalMs,
    secretsEnv: env,
  };
}
