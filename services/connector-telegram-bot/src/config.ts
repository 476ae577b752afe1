import { connectorSettings, type ConnectorSettings } from '@integrations/connector-kit';
import { EnvReader, telegramMode } from '@integrations/service-kit';

/** `count` requests per `windowMs`. */
export interface RateRule {
  count: number;
  windowMs: number;
}

export interface BotConnectorConfig extends ConnectorSettings {
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
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BotConnectorConfig {
  const read = new EnvReader(env);
  const sandbox = telegramMode(read) === 'sandbox';
  const ms = (name: string, fallback: number): number => read.integer(name, fallback, { min: 0 });
  const publicBaseUrl = read.url('PUBLIC_BASE_URL', undefined, {
    protocols: ['http', 'https'],
    trimSlash: true,
  });
  return {
    ...connectorSettings(read, 'bot', 9102),
    botApiUrl: read.url(
      'TELEGRAM_BOT_API_URL',
      sandbox ? 'http://127.0.0.1:8090' : 'https://api.telegram.org',
      {
        protocols: ['http', 'https'],
      },
    ),
    limits: {
      perBot: { count: read.integer('TELEGRAM_LIMIT_PER_BOT', 30, { min: 1 }), windowMs: 1000 },
      perChatMinMs: ms('TELEGRAM_LIMIT_PER_CHAT_MS', 1000),
      perGroup: { count: read.integer('TELEGRAM_LIMIT_PER_GROUP', 20, { min: 1 }), windowMs: 60_000 },
    },
    pollTimeoutSeconds: read.integer('TELEGRAM_POLL_TIMEOUT_S', 25, { min: 0 }),
    breakerResetMs: ms('TELEGRAM_BREAKER_RESET_MS', 10_000),
    callTimeoutMs: read.integer('TELEGRAM_CALL_TIMEOUT_MS', 15_000, { min: 1 }),
    replicaTtlMs: read.integer('TELEGRAM_REPLICA_TTL_MS', 15_000, { min: 1 }),
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
  };
}
