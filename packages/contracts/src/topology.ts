/**
 * Names of the exchanges, lanes and queues of ARCHITECTURE.md §4 (ADR 0002), in one place: the services, the
 * AsyncAPI document and `@integrations/client` all read them from here.
 */
export const EXCHANGES = {
  commands: 'integrations.commands',
  events: 'integrations.events',
  dlx: 'integrations.dlx',
} as const;

export type ExchangeAlias = keyof typeof EXCHANGES;

/**
 * The account connector's commands wait in one queue per shard of users (ADR 0008): `<service>.shard.<n>` on this
 * direct exchange, `n` the user's shard of `TELEGRAM_ACCOUNT_SHARDS`. The connector forwards there what arrives on
 * its lanes; the api publishes its requests there directly.
 */
export const ACCOUNT_SHARDS = {
  exchange: 'integrations.account.shards',
  service: 'connector-telegram-account',
  defaultCount: 8,
} as const;

export const PRIORITIES = ['high', 'mid', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * Routing keys carry the priority as a prefix (ADR 0002): `high.telegram.bot.send` is interactive (the api),
 * `low.…` is maintenance, and the bare key (what other platform services publish) is `mid`. The envelope's
 * `type` is always the bare key.
 */
export function routingKeyFor(type: string, priority: Priority): string {
  return priority === 'mid' ? type : `${priority}.${type}`;
}

export function bindingsFor(binding: string, priority: Priority): string[] {
  return priority === 'mid' ? [binding, `mid.${binding}`] : [`${priority}.${binding}`];
}

/** Back-off of the TTL retry queues: a failed message waits this long before its next attempt. */
export const RETRY_DELAYS_MS = [1_000, 5_000, 30_000] as const;

export const queueNames = (lane: string) => ({
  work: lane,
  retry: (attempt: number) => `${lane}.retry.${attempt}`,
});

export const deadQueueName = (queue: string) => `${queue}.dead`;

/**
 * Work queues. `mid` and `low` are quorum queues: replicated and durable, with a delivery limit as the backstop
 * against a message that crashes a worker. `high` carries only interactive request/reply traffic whose caller is
 * waiting (and times out): it is a durable classic queue of transient messages, because a quorum queue delivers
 * only after a replicated, fsynced commit, which costs every interactive call milliseconds (measured: 2.8 ms
 * against 0.6 ms per round trip here). A high message lost in a broker crash is a 504 its caller may retry.
 */
export function workQueueArguments(deadKey: string, priority: Priority | 'events'): Record<string, unknown> {
  const deadLetter = { 'x-dead-letter-exchange': EXCHANGES.dlx, 'x-dead-letter-routing-key': deadKey };
  if (priority === 'high') return { 'x-queue-type': 'classic', ...deadLetter };
  return { 'x-queue-type': 'quorum', 'x-delivery-limit': 10, ...deadLetter };
}

/**
 * A keyed (shard) queue takes all three lanes at once, so it is a classic queue ordered by message priority
 * (quorum queues have no priorities in RabbitMQ 3.10); durable, with persistent messages kept persistent.
 */
export function keyedQueueArguments(deadKey: string): Record<string, unknown> {
  return {
    'x-queue-type': 'classic',
    'x-max-priority': 3,
    'x-dead-letter-exchange': EXCHANGES.dlx,
    'x-dead-letter-routing-key': deadKey,
  };
}

export function retryQueueArguments(workQueue: string, delayMs: number): Record<string, unknown> {
  return {
    'x-message-ttl': delayMs,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': workQueue,
  };
}

/** Where the broker sends the answer of a request (RabbitMQ's direct reply-to pseudo-queue). */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** The AMQP content type of every command and event: a CloudEvents 1.0 envelope in structured JSON mode. */
export const ENVELOPE_CONTENT_TYPE = 'application/cloudevents+json';

/** The AMQP application header that carries the W3C trace context (also the envelope's `traceparent`). */
export const TRACEPARENT_HEADER = 'traceparent';

/** What each lane is for (ADR 0002), for the documentation. */
export const LANE_DESCRIPTIONS: Record<Priority, string> = {
  high: "interactive: a caller is waiting for the reply (the api's requests, connect flows)",
  mid: 'the default: what other platform services publish (bulk sends, background work)',
  low: 'maintenance: health sweeps, key rewraps',
};

/** The service whose queues consume a command, by the routing key's prefix. */
const COMMAND_CONSUMERS: [prefix: string, service: string][] = [
  ['telegram.account.', 'connector-telegram-account'],
  ['telegram.bot.', 'connector-telegram-bot'],
  ['telegram.channel.', 'connector-telegram-bot'],
  ['whatsapp.', 'connector-whatsapp'],
  ['audit.', 'audit-log'],
  ['webhooks.', 'audit-log'],
  // Every service holds something of a user: each purges its own part (and announces it as `platform.user.purged`).
  [
    'platform.user.',
    'connector-telegram-bot, connector-telegram-account, connector-whatsapp and audit-log, each',
  ],
];

export function commandConsumer(type: string): string | undefined {
  return COMMAND_CONSUMERS.find(([prefix]) => type.startsWith(prefix))?.[1];
}
