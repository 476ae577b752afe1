import { createLogger } from '@integrations/observability';
import { infra, monitorRedis, until } from '@integrations/testing';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { ShardLeases, shardOf, type ShardOwner } from './shard-leases';

const SHARDS = 8;
const TTL_MS = 600;

/**
 * Who serves which shard, as the replicas report it. Taking a shard another replica still serves is recorded as
 * an overlap: the one thing the leases must never allow.
 */
class Ledger {
  readonly serving = new Map<number, string>();
  readonly tokens = new Map<number, number[]>();
  overlaps = 0;

  ownerFor(replica: string): ShardOwner {
    return {
      acquire: async (shard, token) => {
        if (this.serving.has(shard)) this.overlaps += 1;
        this.serving.set(shard, replica);
        this.tokens.set(shard, [...(this.tokens.get(shard) ?? []), token]);
      },
      release: async (shard) => {
        if (this.serving.get(shard) === replica) this.serving.delete(shard);
      },
    };
  }

  servedBy(replica: string): number[] {
    return [...this.serving].filter(([, r]) => r === replica).map(([s]) => s);
  }
}

describe('shard leases', () => {
  const runId = randomUUID();
  const prefix = `test:${runId}:`;
  const clients: Redis[] = [];
  const replicas: ShardLeases[] = [];
  const logger = createLogger({ service: 'leases-test', stream: new PassThrough() });

  const join = async (ledger: Ledger, id: string, keyPrefix = prefix) => {
    const redis = new Redis(infra.redisUrl, { maxRetriesPerRequest: 0, lazyConnect: false });
    redis.on('error', () => undefined);
    clients.push(redis);
    const leases = new ShardLeases({
      redis,
      prefix: keyPrefix,
      shards: SHARDS,
      ttlMs: TTL_MS,
      owner: ledger.ownerFor(id),
      logger,
      replicaId: id,
    });
    replicas.push(leases);
    await leases.start();
    return { leases, redis };
  };
  const settled = (ledger: Ledger, ids: string[]) => () =>
    ledger.serving.size === SHARDS &&
    ids.every((id) => ledger.servedBy(id).length <= Math.ceil(SHARDS / ids.length));

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    const admin = new Redis(infra.redisUrl);
    const keys = await admin.keys(`test:${runId}:*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
    await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
  });

  it('shares the shards fairly, hands them over on a stop, and moves a dead replica’s after its lease', async () => {
    const ledger = new Ledger();
    const a = await join(ledger, 'a');
    expect(ledger.servedBy('a')).toHaveLength(SHARDS); // alone, it serves everything

    await join(ledger, 'b');
    await join(ledger, 'c');
    await until(settled(ledger, ['a', 'b', 'c']));
    for (const id of ['a', 'b', 'c']) expect(ledger.servedBy(id).length).toBeGreaterThan(0);

    // A graceful stop hands its shards over without waiting for the leases to expire.
    const leavingShards = ledger.servedBy('a');
    await a.leases.stop();
    await until(settled(ledger, ['b', 'c']));
    expect(leavingShards.every((s) => ['b', 'c'].includes(ledger.serving.get(s)!))).toBe(true);

    // A replica cut off from Redis stops serving on its own before its leases expire; the others take over.
    const c = replicas[2]!;
    const cShards = ledger.servedBy('c');
    const cToken = ledger.tokens.get(cShards[0]!)!.at(-1)!;
    clients[2]!.disconnect();
    await until(() => ledger.servedBy('c').length === 0);
    await until(() => cShards.every((s) => ledger.serving.get(s) === 'b'));
    expect(c.owned.size).toBe(0);
    // The new owner holds a newer fencing token.
    expect(ledger.tokens.get(cShards[0]!)!.at(-1)!).toBeGreaterThan(cToken);
    expect(ledger.overlaps).toBe(0);
  });

  it('heartbeats and renews every lease it holds in one round trip a tick', async () => {
    const ledger = new Ledger();
    const own = `test:${runId}:solo:`;
    await join(ledger, 'solo', own);
    expect(ledger.servedBy('solo')).toHaveLength(SHARDS);

    // What reaches Redis with this replica's keys, as the server sees it: commands a client sent, apart from the
    // ones a script ran.
    const sent: string[][] = [];
    const monitor = monitorRedis(infra.redisUrl, ({ args, source }) => {
      if (source !== 'lua' && args.some((arg) => arg.startsWith(own))) sent.push(args);
    });
    try {
      await monitor.ready;
      await until(() => sent.length >= 5);
    } finally {
      monitor.stop();
    }

    const leases = Array.from({ length: SHARDS }, (_, shard) => `${own}shards:lease:${shard}`);
    for (const command of sent) {
      expect(command[0]?.toLowerCase()).toBe('eval');
      // The member set and all eight leases, in the order the replica took them.
      expect(command.slice(2, 4)).toEqual([String(1 + SHARDS), `${own}shards:members`]);
      expect(command.slice(4, 4 + SHARDS).sort()).toEqual([...leases].sort());
    }
    // Renewed, not lost and taken again: each shard still holds the token it was first taken with.
    for (let shard = 0; shard < SHARDS; shard += 1) expect(ledger.tokens.get(shard)).toHaveLength(1);
  });

  it('puts all of a user’s work on one shard, spread over all shards', () => {
    expect(shardOf('user-1', SHARDS)).toBe(shardOf('user-1', SHARDS));
    const seen = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`user-${i}`, SHARDS)));
    expect(seen.size).toBe(SHARDS);
  });
});
