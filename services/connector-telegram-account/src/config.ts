import { retentionDays } from '@integrations/service-kit';
export interface AccountConnectorConfig {
  port: number;
  host: string;
  amqpUrl: string;
  mysqlUrl: string;
  redisUrl: string;
  redisPrefix: string;
  database: string;
  /** `sandbox`: the emulator's MTProto server, found through its control API; `live`: Telegram. */
  mode: 'sandbox' | 'live';
  /** Sandbox: where `GET /_emulator/mtproto` answers the MTProto address and RSA key. */
  emulatorUrl: string;
  /** Telegram's app credentials (my.telegram.org); required live, placeholders in sandbox. */
  apiId: number;
  apiHash: string;
  /** How long a connect flow lives (Telegram's codes live about as long). */
  flowTtlMs: number;
  /**
   * Minimum gap between one send's answer and the account's next send (Telegram bans accounts that burst). The
   * default leaves a margin over Telegram's 1 message/s per private chat.
   */
  sendIntervalMs: number;
  /** How long an open breaker waits before trying again. */
  breakerResetMs: number;
  /** The longest a call to Telegram may take (a send, a health check, a reconnect wait) before it counts as cut off. */
  callTimeoutMs: number;
  /** The longest connecting a client may take (TCP and, for a new login, the key exchange, which is CPU-heavy). */
  connectTimeoutMs: number;
  /** Sessions restored at once on start (each is a TCP connection and a few calls). */
  restoreConcurrency: number;
  /** How often every live session is checked (0 turns the sweep off). */
  healthSweepMs: number;
  /** Account shards (fixed for a deployment: changing it moves users between shards). */
  shards: number;
  /** How long a shard lease lives without renewal: a dead replica's shards move after about this long. */
  shardLeaseMs: number;
  /** Sent and failed messages older than this many days are deleted (queued ones never). */
  messageRetentionDays: number;
  retentionIntervalMs: number;
  secretsEnv: NodeJS.ProcessEnv;
}

const number = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AccountConnectorConfig {
  const mode = (env.TELEGRAM_MODE ?? 'sandbox') === 'live' ? 'live' : 'sandbox';
  if (env.NODE_ENV === 'production' && mode === 'sandbox') {
    throw new Error('TELEGRAM_MODE=sandbox is refused with NODE_ENV=production; set TELEGRAM_MODE=live.');
  }
  const apiId = number(env.TELEGRAM_API_ID, mode === 'sandbox' ? 1 : 0, 'TELEGRAM_API_ID');
  const apiHash = env.TELEGRAM_API_HASH ?? (mode === 'sandbox' ? 'sandbox' : '');
  if (mode === 'live' && (apiId === 0 || apiHash === '')) {
    throw new Error('TELEGRAM_MODE=live needs TELEGRAM_API_ID and TELEGRAM_API_HASH (from my.telegram.org).');
  }
  return {
    port: number(env.CONNECTOR_ACCOUNT_PORT, 9101, 'CONNECTOR_ACCOUNT_PORT'),
    host: env.CONNECTOR_ACCOUNT_HOST ?? '0.0.0.0',
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    mysqlUrl: env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: env.REDIS_PREFIX ?? 'integrations:account:',
    database: env.ACCOUNT_DATABASE ?? 'integrations_account',
    mode,
    emulatorUrl: (env.TELEGRAM_EMULATOR_URL ?? 'http://127.0.0.1:8090').replace(/\/$/, ''),
    apiId,
    apiHash,
    flowTtlMs: number(env.TELEGRAM_FLOW_TTL_MS, 5 * 60_000, 'TELEGRAM_FLOW_TTL_MS'),
    sendIntervalMs: number(env.TELEGRAM_ACCOUNT_SEND_INTERVAL_MS, 1100, 'TELEGRAM_ACCOUNT_SEND_INTERVAL_MS'),
    breakerResetMs: number(env.TELEGRAM_BREAKER_RESET_MS, 10_000, 'TELEGRAM_BREAKER_RESET_MS'),
    callTimeoutMs: Math.max(100, number(env.TELEGRAM_CALL_TIMEOUT_MS, 15_000, 'TELEGRAM_CALL_TIMEOUT_MS')),
    connectTimeoutMs: Math.max(
      100,
      number(env.TELEGRAM_CONNECT_TIMEOUT_MS, 30_000, 'TELEGRAM_CONNECT_TIMEOUT_MS'),
    ),
    restoreConcurrency: number(env.TELEGRAM_RESTORE_CONCURRENCY, 20, 'TELEGRAM_RESTORE_CONCURRENCY'),
    healthSweepMs: number(env.TELEGRAM_HEALTH_SWEEP_MS, 60_000, 'TELEGRAM_HEALTH_SWEEP_MS'),
    shards: Math.max(1, Math.floor(number(env.TELEGRAM_ACCOUNT_SHARDS, 8, 'TELEGRAM_ACCOUNT_SHARDS'))),
    shardLeaseMs: Math.max(500, number(env.TELEGRAM_SHARD_LEASE_MS, 5_000, 'TELEGRAM_SHARD_LEASE_MS')),
    messageRetentionDays: retentionDays(env, 'MESSAGE_RETENTION_DAYS', 30),
    retentionIntervalMs: Number(env.RETENTION_INTERVAL_MS ?? 3_600_000),
    secretsEnv: env,
  };
}
