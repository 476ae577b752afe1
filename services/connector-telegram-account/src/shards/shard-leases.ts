import type { Logger } from '@integrations/observability';
import { sql, type RawBuilder } from '@integrations/persistence';
import type { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';

/** What a replica does when it gains or gives up a shard; `token` is the lease's fencing token. */
export interface ShardOwner {
  acquire(shard: number, token: number): Promise<void>;
  release(shard: number): Promise<void>;
}

export interface ShardLeaseOptions {
  redis: Redis;
  prefix: string;
  shards: number;
  /** How long a lease lives without renewal: a dead replica's shards move after this. */
  ttlMs: number;
  owner: ShardOwner;
  logger: Logger;
  replicaId?: string;
}

// Takes a free shard with the next fencing token, atomically: no two replicas can both see it free.
const ACQUIRE = `
if redis.call('exists', KEYS[1]) == 1 then return 0 end
local token = redis.call('incr', KEYS[2])
redis.call('set', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
return token`;
/**
 * The heartbeat into the member set and the renewal of every lease this replica holds, in one round trip (a tick
 * used to write the member set's MULTI and then one script per lease: nine writes and round trips a second for
 * eight shards, on an idle stack too). KEYS: the member set, then the held leases; ARGV: the replica, its
 * member score (expiry), now, the lease life, then each lease's expected value. A lease is renewed only while it
 * is still this replica's, with the same token. Answers the live replicas, then 1 or 0 for each lease.
 */
const HEARTBEAT = `
redis.call('zadd', KEYS[1], ARGV[2], ARGV[1])
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[3])
local answer = { redis.call('zcard', KEYS[1]) }
redis.call('pexpire', KEYS[1], tonumber(ARGV[4]) * 4)
for i = 2, #KEYS do
  if redis.call('get', KEYS[i]) == ARGV[i + 3] then
    answer[i] = redis.call('pexpire', KEYS[i], ARGV[4])
  else
    answer[i] = 0
  end
end
return answer`;
// Deletes a lease only while it is still this replica's, with the same token.
const RELEASE = `
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('del', KEYS[1])`;

/**
 * Redis leases on a fixed number of shards, so that each account's commands and live client are on exactly one
 * replica (ARCHITECTURE.md §5). Every replica heartbeats into a member set, holds at most its fair share
 * (ceil(shards / live replicas)), prefers the shards that rank it highest (rendezvous hashing, so shares settle
 * without coordination), renews its leases several times per life and gives the excess back when replicas join.
 *
 * Safety: a lease is taken only when free, with a fencing token that grows on every take. A replica that cannot
 * renew (Redis unreachable, the process stalled) drops its shards on its own once 60 % of the lease life has
 * passed since the last renewal, before anyone else may take them: two replicas never serve one shard.
 */
export class ShardLeases {
  readonly replicaId: string;
  private readonly held = new Map<number, { token: number; renewedAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private rebalancing: Promise<void> | undefined;
  private alive = 1;
  private stopped = false;

  constructor(private readonly options: ShardLeaseOptions) {
    this.replicaId = options.replicaId ?? randomUUID();
  }

  /** The shards this replica serves now, each with its fencing token. */
  get owned(): ReadonlyMap<number, { token: number }> {
    return this.held;
  }

  owns(shard: number): boolean {
    return this.held.has(shard);
  }

  /** Joins and takes a first share at once; then renews and rebalances every fifth of the lease life. */
  async start(): Promise<void> {
    await this.renew();
    await this.rebalance();
    // Renewal runs apart from rebalancing: taking a shard restores its sessions, which may outlast a lease.
    this.timer = setInterval(
      () => {
        this.renewing ??= this.renew()
          .catch((error: unknown) => {
            this.options.logger.warn('renewing shard leases failed', { error });
          })
          .finally(() => (this.renewing = undefined));
        this.rebalancing ??= this.rebalance()
          .catch((error: unknown) => {
            this.options.logger.warn('rebalancing shards failed', { error });
          })
          .finally(() => (this.rebalancing = undefined));
      },
      Math.max(50, Math.floor(this.options.ttlMs / 5)),
    );
    this.timer.unref();
  }

  /** Hands every shard back (so others take them at their next round) and leaves the member set. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([this.renewing, this.rebalancing]);
    await Promise.all([...this.held.keys()].map((shard) => this.give(shard)));
    await this.options.redis.zrem(this.key('members'), this.replicaId).catch(() => undefined);
  }

  /** Heartbeat and lease renewal. First, shards not renewed for 60 % of a lease life are dropped unasked. */
  private async renew(): Promise<void> {
    await this.fenceStale();
    if (this.stopped) return;
    const { redis, ttlMs } = this.options;
    const now = Date.now();
    const held = [...this.held];
    const answer = (await redis.eval(
      HEARTBEAT,
      1 + held.length,
      this.key('members'),
      ...held.map(([shard]) => this.key(`lease:${shard}`)),
      this.replicaId,
      now + ttlMs,
      now,
      ttlMs,
      ...held.map(([, lease]) => this.value(lease.token)),
    )) as number[];
    this.alive = Math.max(1, Number(answer[0] ?? 1));
    for (const [i, [shard, lease]] of held.entries()) {
      // Taken again meanwhile (dropped and re-acquired with a new token): that lease is not this answer's.
      if (this.held.get(shard) !== lease) continue;
      if (Number(answer[i + 1]) === 1) lease.renewedAt = now;
      else await this.drop(shard, 'the lease was lost');
    }
  }

  /** Takes free shards up to the fair share, or gives back what is over it, in this replica's preference order. */
  private async rebalance(): Promise<void> {
    const { redis, ttlMs, shards } = this.options;
    const share = Math.ceil(shards / this.alive);
    const ranked = this.preference();
    if (this.held.size > share) {
      // Give back the shards this replica ranks lowest; the newcomers rank them higher.
      const excess = ranked.filter((s) => this.held.has(s)).slice(share);
      for (const shard of excess) await this.give(shard);
      return;
    }
    for (const shard of ranked) {
      if (this.held.size >= share || this.stopped) break;
      if (this.held.has(shard)) continue;
      const token = Number(
        await redis.eval(
          ACQUIRE,
          2,
          this.key(`lease:${shard}`),
          this.key(`fence:${shard}`),
          this.replicaId,
          ttlMs,
        ),
      );
      if (token === 0) continue;
      this.held.set(shard, { token, renewedAt: Date.now() });
      try {
        await this.options.owner.acquire(shard, token);
        this.options.logger.info('shard acquired', { shard, token });
      } catch (error) {
        this.options.logger.error('taking a shard failed; handing it back', { shard, error });
        await this.give(shard);
      }
    }
  }

  /** Without a renewal for 60 % of the lease life, the shard may soon be someone else's: stop serving it now. */
  private async fenceStale(): Promise<void> {
    const limit = Date.now() - this.options.ttlMs * 0.6;
    for (const [shard, lease] of [...this.held]) {
      if (lease.renewedAt < limit) await this.drop(shard, 'the lease could not be renewed in time');
    }
  }

  /** Stops serving a shard, then frees its lease so another replica can take it without waiting. */
  private async give(shard: number): Promise<void> {
    const lease = this.held.get(shard);
    if (!lease) return;
    await this.drop(shard, 'handed over');
    await this.options.redis
      .eval(RELEASE, 1, this.key(`lease:${shard}`), this.value(lease.token))
      .catch(() => undefined);
  }

  private async drop(shard: number, reason: string): Promise<void> {
    if (!this.held.delete(shard)) return;
    this.options.logger.info('shard released', { shard, reason });
    await this.options.owner
      .release(shard)
      .catch((error: unknown) => this.options.logger.error('releasing a shard failed', { shard, error }));
  }

  /** Shards ordered by this replica's rendezvous score: each replica prefers a different, stable subset. */
  private preference(): number[] {
    const score = (shard: number) =>
      createHash('sha1').update(`${this.replicaId}:${shard}`).digest().readUInt32BE(0);
    return Array.from({ length: this.options.shards }, (_, shard) => shard).sort(
      (a, b) => score(b) - score(a),
    );
  }

  private key(name: string): string {
    return `${this.options.prefix}shards:${name}`;
  }

  private value(token: number): string {
    return `${this.replicaId}:${token}`;
  }
}

// Where a user's commands go is the messaging package's (the api publishes straight to a user's shard).
export { shardOf } from '@integrations/messaging';

/** `shardOf` in SQL (MariaDB and MySQL), for a column holding the platform user: the same shard for every id. */
export function shardOfColumn(column: string, shards: number): RawBuilder<number> {
  return sql<number>`conv(left(sha1(${sql.ref(column)}), 8), 16, 10) mod ${shards}`;
}
