import { ACCOUNT_SHARDS } from '@integrations/contracts';
import { connectorSettings, type ConnectorSettings } from '@integrations/connector-kit';
import { ConfigError, EnvReader, telegramMode } from '@integrations/service-kit';

export interface AccountConnectorConfig extends ConnectorSettings {
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
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AccountConnectorConfig {
  const read = new EnvReader(env);
  const mode = telegramMode(read);
  const ms = (name: string, fallback: number, min = 0): number => read.number(name, fallback, { min });
  const apiId = read.integer('TELEGRAM_API_ID', mode === 'sandbox' ? 1 : 0, { min: 0 });
  const apiHash = env.TELEGRAM_API_HASH ?? (mode === 'sandbox' ? 'sandbox' : '');
  if (mode === 'live' && (apiId === 0 || apiHash === '')) {
    throw new ConfigError(
      'TELEGRAM_MODE=live needs TELEGRAM_API_ID and TELEGRAM_API_HASH (from my.telegram.org).',
    );
  }
  return {
    ...connectorSettings(read, 'account', 9101),
    mode,
    emulatorUrl: read.url('TELEGRAM_EMULATOR_URL', 'http://127.0.0.1:8090', {
      protocols: ['http', 'https'],
      trimSlash: true,
    }),
    apiId,
    apiHash,
    flowTtlMs: ms('TELEGRAM_FLOW_TTL_MS', 5 * 60_000, 1),
    sendIntervalMs: ms('TELEGRAM_ACCOUNT_SEND_INTERVAL_MS', 1100),
    breakerResetMs: ms('TELEGRAM_BREAKER_RESET_MS', 10_000),
    callTimeoutMs: Math.max(100, ms('TELEGRAM_CALL_TIMEOUT_MS', 15_000)),
    connectTimeoutMs: Math.max(100, ms('TELEGRAM_CONNECT_TIMEOUT_MS', 30_000)),
    restoreConcurrency: read.integer('TELEGRAM_RESTORE_CONCURRENCY', 20, { min: 1 }),
    healthSweepMs: ms('TELEGRAM_HEALTH_SWEEP_MS', 60_000),
    shards: read.integer('TELEGRAM_ACCOUNT_SHARDS', ACCOUNT_SHARDS.defaultCount, { min: 1 }),
    shardLeaseMs: Math.max(500, ms('TELEGRAM_SHARD_LEASE_MS', 5_000)),
  };
}
