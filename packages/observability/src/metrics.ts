import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A registry per service with the process's default metrics and a `service` label on everything. */
export function createMetricsRegistry(options: { service: string; defaultMetrics?: boolean }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Factories are idempotent per registry: two modules asking for the same metrics share them. */
function memo<T>(build: (registry: Registry) => T): (registry: Registry) => T {
  const cache = new WeakMap<Registry, T>();
  return (registry) => {
    let value = cache.get(registry);
    if (value === undefined) {
      value = build(registry);
      cache.set(registry, value);
    }
    return value;
  };
}

export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const apiMetrics = memo((registry) => ({
  requestDuration: new Histogram({
    name: 'api_request_duration_seconds',
    help: 'REST request duration by route template',
    labelNames: ['endpoint', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  requestTotal: new Counter({
    name: 'api_request_total',
    help: 'REST requests by route template',
    labelNames: ['endpoint', 'method', 'status'] as const,
    registers: [registry],
  }),
  requestErrorTotal: new Counter({
    name: 'api_request_error_total',
    help: 'REST requests that answered 4xx or 5xx, by route template, status and problem code',
    labelNames: ['endpoint', 'method', 'status', 'code'] as const,
    registers: [registry],
  }),
  rateLimited: new Counter({
    name: 'api_rate_limited_total',
    help: 'Requests refused by a rate limit, by scope (ip, user, sensitive)',
    labelNames: ['scope'] as const,
    registers: [registry],
  }),
  webhookRejected: new Counter({
    name: 'api_webhook_rejected_total',
    help: 'Incoming webhooks refused for a missing or wrong secret',
    registers: [registry],
  }),
  authFailures: new Counter({
    name: 'api_auth_failures_total',
    help: 'Rejected credentials by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
}));

export const telegramMetrics = memo((registry) => ({
  sessionsTotal: new Gauge({
    name: 'telegram_sessions_total',
    help: 'Telegram sessions of the shards this replica holds (the replicas add up to every session once)',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  sessionsActive: new Gauge({
    name: 'telegram_sessions_active',
    help: 'Telegram sessions that are connected and healthy',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  sessionsConnecting: new Gauge({
    name: 'telegram_sessions_connecting',
    help: 'Telegram sessions being restored or reconnected (the account shows status connecting)',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  sessionsError: new Gauge({
    name: 'telegram_sessions_error',
    help: 'Telegram sessions in the error or revoked state, of the shards this replica holds',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  messagesSent: new Counter({
    name: 'telegram_messages_sent_total',
    help: 'Messages delivered to Telegram',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  messagesError: new Counter({
    name: 'telegram_messages_error_total',
    help: 'Messages that failed',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  sendDuration: new Histogram({
    name: 'telegram_send_duration_seconds',
    help: 'Time from accepting a send to Telegram answering it',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  sendQueueDepth: new Gauge({
    name: 'telegram_send_queue_depth',
    help: 'Sends waiting in the per-chat throttle queues for Telegram limits',
    labelNames: ['type'] as const,
    registers: [registry],
  }),
  shardLeasesHeld: new Gauge({
    name: 'account_shard_leases_held',
    help: 'Account shards whose lease this replica holds (it serves their accounts and commands)',
    registers: [registry],
  }),
}));

export const queueMetrics = memo((registry) => ({
  tasksTotal: new Counter({
    name: 'queue_tasks_total',
    help: 'Messages handled by queue (high, mid, low, events)',
    labelNames: ['queue'] as const,
    registers: [registry],
  }),
  tasksError: new Counter({
    name: 'queue_tasks_error_total',
    help: 'Messages whose handling failed by queue',
    labelNames: ['queue'] as const,
    registers: [registry],
  }),
}));

export const webhookMetrics = memo((registry) => ({
  attempts: new Counter({
    name: 'webhook_delivery_attempts_total',
    help: 'Outgoing webhook delivery attempts by result (success, http_error, network_error)',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  finished: new Counter({
    name: 'webhook_deliveries_total',
    help: 'Outgoing webhook deliveries that ended, by outcome (delivered, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  duration: new Histogram({
    name: 'webhook_delivery_duration_seconds',
    help: 'Duration of one outgoing webhook delivery attempt',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  due: new Gauge({
    name: 'webhook_deliveries_due',
    help: 'Outgoing webhook deliveries due for an attempt now; a lasting backlog means the dispatcher is stuck',
    registers: [registry],
  }),
}));

export const keyRotationMetrics = memo((registry) => ({
  rewrapped: new Counter({
    name: 'secrets_rewrapped_rows_total',
    help: 'Encrypted rows moved to the newest key version, by key',
    labelNames: ['key'] as const,
    registers: [registry],
  }),
  onOldVersion: new Gauge({
    name: 'secrets_rows_on_old_key_version',
    help: 'Encrypted rows still on an older key version, by key',
    labelNames: ['key'] as const,
    registers: [registry],
  }),
}));

export const aclMetrics = memo((registry) => ({
  denied: new Counter({
    name: 'acl_denied_total',
    help: "Requests for another user's resource (answered 404 like a missing one), by resource",
    labelNames: ['resource'] as const,
    registers: [registry],
  }),
}));
