import { retentionDays } from '@integrations/service-kit';
/** `count` requests per `windowMs`. */
export interface RateRule {
  count: number;
  windowMs: number;
}

export interface BotConnectorConfig {
  port: number;
  host: string;
  amqpUrl: string;
  mysqlUrl: string;
  redisUrl: string;
  redisPrefix: string;
  database: string;
  /** Bot API root: the emulator in sandbox mode, https://api.telegram.org live. */
  botApiUrl: string;
  /** Telegram's limits as the throttle keeps them (tests that disable the emulator's limits loosen them). */
  limits: { perBot: RateRule; perChatMinMs: number; perGroup: RateRule };
  /** Long-poll timeout in seconds (short in tests, so that stopping is quick). */
  pollTimeoutSeconds: number;
  /** How long an open breaker waits before trying again. */
  breakerResetMs: number;
  /** The longest a Bot API call may take (a long poll: its timeout plus this) before it counts as failed. */
  callTimeoutMs: number;
  /** How long a replica's heartbeat lives: a killed replica's in-flight sends are settled after this. */
  replicaTtlMs: number;
  /** Where Telegram can reach the api; set, bots get updates by webhook instead of long polling. */
  publicBaseUrl?: string;
  /** Sent and failed messages older than this many days are deleted (queued ones never). */
  messageRetentionDays: number;
  retentionIntervalMs: number;
  secretsEnv: NodeJS.ProcessEnv;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BotConnectorConfig {
  const sandbox = (env.TELEGRAM_MODE ?? 'sandbox') === 'sandbox';
  if (env.NODE_ENV === 'production' && sandbox) {
    throw new Error('TELEGRAM_MODE=sandbox is refused with NODE_ENV=production; set TELEGRAM_MODE=live.');
  }
  return {
    port: Number(env.CONNECTOR_BOT_PORT ?? 9102),
    host: env.CONNECTOR_BOT_HOST ?? '0.0.0.0',
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    mysqlUrl: env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: env.REDIS_PREFIX ?? 'integrations:bot:',
    database: env.BOT_DATABASE ?? 'integrations_bot',
    botApiUrl: env.TELEGRAM_BOT_API_URL ?? (sandbox ? 'http://127.0.0.1:8090' : 'https://api.telegram.org'),
    limits: {
      perBot: { count: Number(env.TELEGRAM_LIMIT_PER_BOT ?? 30), windowMs: 1000 },
      perChatMinMs: Number(env.TELEGRAM_LIMIT_PER_CHAT_MS ?? 1000),
      perGroup: { count: Number(env.TELEGRAM_LIMIT_PER_GROUP ?? 20), windowMs: 60_000 },
    },
    pollTimeoutSeconds: Number(env.TELEGRAM_POLL_TIMEOUT_S ?? 25),
    breakerResetMs: Number(env.TELEGRAM_BREAKER_RESET_MS ?? 10_000),
    callTimeoutMs: Number(env.TELEGRAM_CALL_TIMEOUT_MS ?? 15_000),
    replicaTtlMs: Number(env.TELEGRAM_REPLICA_TTL_MS ?? 15_000),
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/$/, '') } : {}),
    messageRetentionDays: retentionDays(env, 'MESSAGE_RETENTION_DAYS', 30),
    retentionIntervalMs: Number(env.RETENTION_INTERVAL_MS ?? 3_600_000),
    secretsEnv: env,
  };
}
