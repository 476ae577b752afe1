/** Names of the exchanges and queues of ARCHITECTURE.md §4, in one place. */
export const EXCHANGES = {
  commands: 'integrations.commands',
  events: 'integrations.events',
  dlx: 'integrations.dlx',
} as const;

export type ExchangeAlias = keyof typeof EXCHANGES;

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

/** Quorum work queues: replicated, with a delivery limit as the backstop against a message that crashes a worker. */
export function workQueueArguments(queue: string): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': 10,
    'x-dead-letter-exchange': EXCHANGES.dlx,
    'x-dead-letter-routing-key': queue,
  };
}

export function retryQueueArguments(workQueue: string, delayMs: number): Record<string, unknown> {
  return {
    'x-message-ttl': delayMs,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': workQueue,
  };
}
