import { ACCOUNT_SHARDS } from '@integrations/contracts';
import { ConfigError, EnvReader, PORT, infrastructure, telegramMode } from '@integrations/service-kit';
import type { RateLimitConfig } from './http/rate-limits';
import { CONNECTOR_NAMES, type ConnectorName, isConnectorName } from './platforms/registry';

export { ConfigError };

export interface ApiConfig {
  port: number;
  host: string;
  amqpUrl: string;
  redisUrl: string;
  /** Key prefix in Redis (tests isolate themselves with it). */
  redisPrefix: string;
  auth: {
    jwtSecret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
    jwksCooldownMs?: number;
    /** The longest a token may live (`exp - iat`); a token without `exp` is refused. */
    maxTokenAgeS: number;
  };
  /**
   * The secrets settings when the api has a key (Vault with a token, or a local keyring): it then seals the secret
   * fields of the commands it publishes (bot tokens, 2FA passwords, login codes) for the connectors.
   */
  secretsEnv?: NodeJS.ProcessEnv;
  /** Addresses or CIDRs of the proxies whose X-Forwarded-For is believed (none by default). */
  trustedProxies: string[];
  /** Open event streams (SSE) per user on one api instance; one more is a 429. */
  sseMaxPerUser: number;
  corsOrigins: string[];
  /** How long a synchronous request waits for its connector. */
  commandTimeoutMs: number;
  rateLimits: RateLimitConfig;
  /** Which connectors of the registry are deployed: merged lists and id lookups only ask those. */
  connectors: ReadonlySet<ConnectorName>;
  /**
   * The account connector's shard count (`TELEGRAM_ACCOUNT_SHARDS`, the connector's own setting): account commands
   * go straight to the queue of their user's shard. A different count than the connector's costs a hop (the
   * shard that gets a command not its own moves it on), never a wrong owner.
   */
  accountShards: number;
  production: boolean;
}

/** Every setting of the api, read from the environment in one place (names as in the README). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const read = new EnvReader(env);
  const production = env.NODE_ENV === 'production';
  const positive = { min: 1 };
  const { amqpUrl, redisUrl } = infrastructure(read);
  const config: ApiConfig = {
    port: read.integer('API_PORT', 8080, PORT),
    host: read.string('API_HOST', '0.0.0.0'),
    amqpUrl,
    redisUrl,
    redisPrefix: read.string('REDIS_PREFIX', 'integrations:api:'),
    auth: {
      jwtSecret: read.raw('AUTH_JWT_SECRET'),
      jwksUrl: read.url('AUTH_JWKS_URL', undefined, { protocols: ['http', 'https'] }),
      issuer: read.raw('AUTH_ISSUER'),
      audience: read.raw('AUTH_AUDIENCE'),
      // How soon an unknown `kid` may refetch the JWKS (a rotated key is picked up on first use after it).
      jwksCooldownMs: read.integer('AUTH_JWKS_COOLDOWN_MS', 30_000, { min: 0 }),
      // A day in production; locally 31 days, so the dev token `npm start` prints (30 days) is accepted.
      maxTokenAgeS: read.integer('AUTH_MAX_TOKEN_AGE_S', production ? 86_400 : 31 * 86_400, positive),
    },
    sseMaxPerUser: read.integer('API_SSE_MAX_PER_USER', 5, positive),
    trustedProxies: read.list('TRUSTED_PROXIES'),
    corsOrigins: read.list('CORS_ORIGINS'),
    commandTimeoutMs: read.integer('API_COMMAND_TIMEOUT_MS', 10_000, positive),
    connectors: parseConnectors(env.API_CONNECTORS ?? 'bot,account,whatsapp'),
    accountShards: read.integer('TELEGRAM_ACCOUNT_SHARDS', ACCOUNT_SHARDS.defaultCount, positive),
    rateLimits: {
      perIp: { points: read.integer('RATE_LIMIT_PER_IP', 1200, positive), windowSeconds: 60 },
      perUser: { points: read.integer('RATE_LIMIT_PER_USER', 600, positive), windowSeconds: 60 },
      sensitive: { points: read.integer('RATE_LIMIT_SENSITIVE', 120, positive), windowSeconds: 60 },
      // A campaign over 20 bots at Telegram's 30 messages/s each stays under it; the connectors pace each bot.
      sends: { points: read.integer('RATE_LIMIT_SENDS', 36_000, positive), windowSeconds: 60 },
    },
    production,
    ...((env.VAULT_ADDR && env.VAULT_TOKEN) ||
    env.SECRETS_BACKEND ||
    env.SECRETS_KEYRING ||
    env.SECRETS_KEYRING_FILE
      ? { secretsEnv: env }
      : {}),
  };
  if (!config.auth.jwtSecret && !config.auth.jwksUrl) {
    throw new ConfigError(
      'Set AUTH_JWKS_URL (with AUTH_ISSUER and AUTH_AUDIENCE) or, for local runs, AUTH_JWT_SECRET.',
    );
  }
  if (production) {
    if (config.auth.jwtSecret)
      throw new ConfigError(
        'AUTH_JWT_SECRET is a development setting and is refused with NODE_ENV=production; use AUTH_JWKS_URL.',
      );
    if (!config.auth.jwksUrl || !config.auth.issuer || !config.auth.audience) {
      throw new ConfigError('NODE_ENV=production needs AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE.');
    }
    telegramMode(read);
  }
  if (config.auth.jwtSecret && config.auth.jwtSecret.length < 32) {
    throw new ConfigError('AUTH_JWT_SECRET must be at least 32 characters.');
  }
  return config;
}

function parseConnectors(value: string): ReadonlySet<ConnectorName> {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const known = CONNECTOR_NAMES.join(', ');
  const connectors = new Set<ConnectorName>();
  for (const name of names) {
    if (!isConnectorName(name))
      throw new ConfigError(`API_CONNECTORS: unknown connector ${JSON.stringify(name)} (${known})`);
    connectors.add(name);
  }
  if (connectors.size === 0)
    throw new ConfigError(`API_CONNECTORS must name at least one connector (${known}).`);
  return connectors;
}
