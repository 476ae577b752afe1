import { createHash } from 'node:crypto';

/**
 * Where a sharded service's commands go: the direct exchange its keyed queues are bound to by their own names
 * (`declareKeyedQueues`), one queue per shard, `<service>.shard.<n>`, and a user's commands in the queue of the
 * user's shard. Shared by the service that consumes the shards and by a caller that publishes straight to them.
 */
export interface ShardRouting {
  exchange: string;
  service: string;
  shards: number;
}

/** The shard of a platform user: all of a user's accounts, flows and sends live on one shard. */
export function shardOf(userId: string, shards: number): number {
  return createHash('sha1').update(userId).digest().readUInt32BE(0) % shards;
}

export const shardQueueOf = (service: string, shard: number): string => `${service}.shard.${shard}`;

/** The queue of `userId`'s shard. */
export const shardQueueFor = (routing: ShardRouting, userId: string): string =>
  shardQueueOf(routing.service, shardOf(userId, routing.shards));
