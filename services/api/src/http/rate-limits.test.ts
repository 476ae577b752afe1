import { DomainError } from '@integrations/contracts';
import { createMetricsRegistry } from '@integrations/observability';
import { infra, uniqueName } from '@integrations/testing';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { HeldBlocks } from './held-blocks';
import { type RateLimitConfig, RateLimits, type Scope } from './rate-limits';

/** The RateLimit-* headers a request was answered with. */
function fakeResponse(): Response & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return {
    headers,
    setHeader: (name: string, value: string) => (headers[name] = value),
  } as unknown as Response & {
    headers: Record<string, string>;
  };
}

const config = (sends: number): RateLimitConfig => ({
  perIp: { points: 1_000_000, windowSeconds: 60 },
  perUser: { points: 1_000_000, windowSeconds: 60 },
  sensitive: { points: 500, windowSeconds: 60 },
  sends: { points: sends, windowSeconds: 60 },
});

describe('RateLimits (real Redis, two replicas)', () => {
  let redis: Redis;
  let prefix: string;
  const replica = (sends: number) =>
    new RateLimits(redis, prefix, config(sends), createMetricsRegistry({ service: 'api' }));

  beforeAll(async () => {
    redis = new Redis(infra.redisUrl, { lazyConnect: true });
    await redis.connect();
  });
  beforeEach(() => {
    prefix = `${uniqueName('rate')}:`;
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** Admits one request; answers whether it was admitted, and its headers. */
  const admit = async (limits: RateLimits, counters: [Scope, string][]) => {
    const res = fakeResponse();
    try {
      await limits.admit(counters, res);
      return { admitted: true, headers: res.headers };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RATE_LIMITED')
        return { admitted: false, headers: res.headers };
      throw error;
    }
  };

  it('takes a large limit in blocks of 1 %, one trip per block, and admits the rest from memory', async () => {
    const limits = replica(500);
    const shared = () => redis.get(`${prefix}rl:send:u1`);
    const first = await admit(limits, [['send', 'u1']]);
    expect(first.admitted).toBe(true);
    // The first request took a block of 5; the shared counter says so at once.
    expect(await shared()).toBe('5');
    expect(first.headers['RateLimit-Remaining']).toBe('499');
    for (let i = 2; i <= 5; i++) {
      const next = await admit(limits, [['send', 'u1']]);
      expect(next.headers['RateLimit-Remaining']).toBe(String(500 - i));
    }
    expect(await shared()).toBe('5');
    await admit(limits, [['send', 'u1']]);
    expect(await shared()).toBe('10');
  });

  it('never admits more than the limit across replicas taking blocks, and refuses with Retry-After', async () => {
    const [a, b] = [replica(500), replica(500)];
    let admitted = 0;
    let refusal: DomainError | undefined;
    for (let i = 0; i < 600; i++) {
      const limits = i % 3 === 0 ? a : b;
      try {
        await limits.admit([['send', 'campaign']], fakeResponse());
        admitted += 1;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refusal = error;
      }
    }
    expect(admitted).toBe(500);
    expect(await redis.get(`${prefix}rl:send:campaign`)).toBe('500');
    expect(refusal?.code).toBe('RATE_LIMITED');
    expect(refusal?.retryAfter).toBeGreaterThan(0);
  });

  it('lets concurrent requests share a block instead of taking one each', async () => {
    const limits = replica(600);
    const results = await Promise.all(Array.from({ length: 50 }, () => admit(limits, [['send', 'burst']])));
    expect(results.every((r) => r.admitted)).toBe(true);
    // Blocks of 6, one trip on its way at a time: 9 blocks for 50 requests, not one block per request (300).
    expect(await redis.get(`${prefix}rl:send:burst`)).toBe('54');
  });

  it('gives a counter left without a window (written by hand) its window, instead of counting it forever', async () => {
    await redis.set(`${prefix}rl:send:stuck`, '10');
    const limits = replica(600);
    const { admitted, headers } = await admit(limits, [['send', 'stuck']]);
    expect(admitted).toBe(true);
    expect(await redis.pttl(`${prefix}rl:send:stuck`)).toBeGreaterThan(0);
    expect(Number(headers['RateLimit-Reset'])).toBeGreaterThan(0);
  });

  it('counts connect attempts request by request, whatever their limit', async () => {
    const limits = replica(500);
    await admit(limits, [['sensitive', 'u2']]);
    await admit(limits, [['sensitive', 'u2']]);
    expect(await redis.get(`${prefix}rl:sensitive:u2`)).toBe('2');
  });

  it('takes no block of a small limit: each request is counted where every replica sees it', async () => {
    const [a, b] = [replica(3), replica(3)];
    const results = [];
    for (const limits of [a, b, a, b]) results.push((await admit(limits, [['send', 'u3']])).admitted);
    expect(results).toEqual([true, true, true, false]);
  });

  it('records a known owner with a count that goes to Redis, and leaves it to the caller when a block admits', async () => {
    const limits = replica(500);
    const record = (id: string) => ({
      key: `${prefix}owner:message:${id}`,
      owner: { value: 'connector-telegram-bot' },
      ttlSeconds: 60,
    });
    expect(await limits.admit([['send', 'u4']], fakeResponse(), record('m1'))).toEqual({
      owner: 'connector-telegram-bot',
    });
    expect(await redis.get(`${prefix}owner:message:m1`)).toBe('connector-telegram-bot');
    expect(await limits.admit([['send', 'u4']], fakeResponse(), record('m2'))).toEqual({});
    expect(await redis.get(`${prefix}owner:message:m2`)).toBeNull();
  });

  it("copies a channel's owner in one trip even when a block admits the send", async () => {
    const limits = replica(500);
    await redis.set(`${prefix}owner:channel:c1`, 'connector-telegram-account');
    const record = (id: string) => ({
      key: `${prefix}owner:message:${id}`,
      owner: { copyFrom: `${prefix}owner:channel:c1` },
      ttlSeconds: 60,
    });
    await limits.admit([['send', 'u5']], fakeResponse(), record('m1'));
    expect(await limits.admit([['send', 'u5']], fakeResponse(), record('m2'))).toEqual({
      owner: 'connector-telegram-account',
    });
    expect(await redis.get(`${prefix}owner:message:m2`)).toBe('connector-telegram-account');
    expect(await redis.get(`${prefix}rl:send:u5`)).toBe('5');
  });
});

describe('HeldBlocks', () => {
  it('ends a block with its window, counted from when the trip left', () => {
    const held = new HeldBlocks();
    held.keep('k', 3, 10, 1_000, 5_000);
    expect(held.take('k', 5_500)).toEqual({ count: 8, msBeforeNext: 500 });
    expect(held.take('k', 6_000)).toBeUndefined();
    expect(held.size).toBe(0);
  });

  it('keeps a new block in place of what it held, so nothing of an earlier window is carried over', () => {
    const held = new HeldBlocks();
    held.keep('k', 2, 10, 60_000, 0);
    expect(held.take('k', 20)?.count).toBe(9);
    // The next window's first block: the one request left of the first window is not carried over.
    held.keep('k', 1, 2, 60_000, 60_000);
    expect(held.take('k', 60_001)?.count).toBe(2);
    expect(held.take('k', 60_001)).toBeUndefined();
  });

  it('stays within its size, dropping the oldest block', () => {
    const held = new HeldBlocks(2);
    held.keep('ended', 1, 1, 10, 0);
    held.keep('old', 1, 1, 60_000, 0);
    held.keep('new', 1, 1, 60_000, 100);
    expect(held.size).toBe(2);
    expect(held.take('old', 200)).toBeDefined();
    held.keep('newer', 1, 1, 60_000, 300);
    held.keep('newest', 1, 1, 60_000, 300);
    expect(held.size).toBe(2);
    expect(held.take('new', 400)).toBeUndefined();
    expect(held.take('newest', 400)).toBeDefined();
  });
});
