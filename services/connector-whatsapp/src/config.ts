import { retentionDays } from '@integrations/service-kit';

export interface WhatsAppConnectorConfig {
  /** The ops server (`/health/*`, `/metrics`). */
  port: number;
  host: string;
  /** The webhook server Meta posts to (`GET`/`POST /whatsapp/webhooks/{numberId}`). */
  webhookPort: number;
  webhookHost: string;
  /**
   * Where Meta reaches the webhook server (no trailing slash). Set, each connected number's callback URL is
   * subscribed at Meta (`{base}/whatsapp/webhooks/{numberId}`); unset, the webhook server's own URL in sandbox
   * mode and nothing live.
   */
  webhookBaseUrl?: string;
  /** Sandbox: the emulator, and callback URLs on the webhook server's own address. */
  sandbox: boolean;
  amqpUrl: string;
  mysqlUrl: string;
  database: string;
  /** Graph API root: the emulator in sandbox mode, https://graph.facebook.com live. */
  graphUrl: string;
  /** The Graph API version segment (`v21.0`). */
  graphVersion: string;
  /** Meta's per-number throughput, kept by queueing (80 messages a second by default). */
  perNumber: { count: number; windowMs: number };
  breakerResetMs: number;
  callTimeoutMs: number;
  /** A send still `sending` this long after its claim lost its replica: it fails as UPSTREAM_TIMEOUT. */
  orphanAfterMs: number;
  /** Settled messages older than this many days are deleted (queued ones never). */
  messageRetentionDays: number;
  retentionIntervalMs: number;
  secretsEnv: NodeJS.ProcessEnv;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WhatsAppConnectorConfig {
  const sandbox = (env.WHATSAPP_MODE ?? 'sandbox') === 'sandbox';
  if (env.NODE_ENV === 'production' && sandbox) {
    throw new Error('WHATSAPP_MODE=sandbox is refused with NODE_ENV=production; set WHATSAPP_MODE=live.');
  }
  const webhookBaseUrl = env.WHATSAPP_WEBHOOK_BASE_URL;
  return {
    port: Number(env.CONNECTOR_WHATSAPP_PORT ?? 9104),
    host: env.CONNECTOR_WHATSAPP_HOST ?? '0.0.0.0',
    webhookPort: Number(env.CONNECTOR_WHATSAPP_WEBHOOK_PORT ?? 9105),
    webhookHost: env.CONNECTOR_WHATSAPP_WEBHOOK_HOST ?? env.CONNECTOR_WHATSAPP_HOST ?? '0.0.0.0',
    ...(webhookBaseUrl ? { webhookBaseUrl: webhookBaseUrl.replace(/\/$/, '') } : {}),
    sandbox,
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    mysqlUrl: env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
    database: env.WHATSAPP_DATABASE ?? 'integrations_whatsapp',
    graphUrl: (
      env.WHATSAPP_GRAPH_URL ?? (sandbox ? 'http://127.0.0.1:8091' : 'https://graph.facebook.com')
    ).replace(/\/$/, ''),
    graphVersion: env.WHATSAPP_GRAPH_VERSION ?? 'v21.0',
    perNumber: { count: Number(env.WHATSAPP_LIMIT_PER_NUMBER ?? 80), windowMs: 1000 },
    breakerResetMs: Number(env.WHATSAPP_BREAKER_RESET_MS ?? 10_000),
    callTimeoutMs: Number(env.WHATSAPP_CALL_TIMEOUT_MS ?? 15_000),
    orphanAfterMs: Number(env.WHATSAPP_ORPHAN_AFTER_MS ?? 600_000),
    messageRetentionDays: retentionDays(env, 'MESSAGE_RETENTION_DAYS', 30),
    retentionIntervalMs: Number(env.RETENTION_INTERVAL_MS ?? 3_600_000),
    secretsEnv: env,
  };
}
