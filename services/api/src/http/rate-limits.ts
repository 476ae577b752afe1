import { DomainError } from '@integrations/contracts';
import { apiMetrics, type Registry } from '@integrations/observability';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HeldBlocks } from './held-blocks';

export interface RateRule {
  /** Requests allowed per window. */
  points: number;
  windowSeconds: number;
}

export interface RateLimitConfig {
  perIp: RateRule;
  perUser: RateRule;
  /** Connecting (and reconnecting, codes, passwords): the calls that make sessions, strict against abuse. */
  sensitive: RateRule;
  /** Sends, per user: sized for a campaign over several bots (Telegram's pace is kept by the connectors). */
  sends: RateRule;
}

export type Scope = 'ip' | 'user' | 'sensitive' | 'send';

/** A Redis write that rides on the same round trip as the counters: the owner of the message being sent. */
export interface OwnerRecord {
  /** Where the owner goes. */
  key: string;
  /** The owner, or where to copy it from (the channel's owner record) when the route does not know it. */
  owner: { value: string } | { copyFrom: string };
  ttlSeconds: number;
}

/**
 * Fixed-window counters, in order: each takes a block of up to `block` of its window's requests (INCRBY, the window
 * set on the first), never past its limit; the first one with nothing left stops the rest, as separate limiters
 * would. Then, when asked and nothing was over, the owner record. One round trip per request, whatever it counts.
 * Answers `{exceeded index (1-based) or 0, [count, pttl, granted]..., owner}`.
 */
const ADMIT = `
local n = tonumber(ARGV[1])
local counts = {}
for i = 1, n do
  local limit = tonumber(ARGV[3 * i - 1])
  local window = tonumber(ARGV[3 * i])
  local block = tonumber(ARGV[3 * i + 1])
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  local granted = math.max(0, math.min(block, limit - count))
  if granted > 0 then count = redis.call('INCRBY', KEYS[i], granted) end
  local ttl = redis.call('PTTL', KEYS[i])
  -- A new window, or a counter left without one (written by hand), gets its window: it never counts forever.
  if ttl < 0 then
    ttl = window
    redis.call('PEXPIRE', KEYS[i], window)
  end
  counts[#counts + 1] = count
  counts[#counts + 1] = ttl
  counts[#counts + 1] = granted
  if granted == 0 then return {i, counts, false} end
end
local owner = false
if #KEYS > n then
  owner = ARGV[3 * n + 2]
  if owner == '' then owner = redis.call('GET', KEYS[n + 2]) end
  if owner then redis.call('SET', KEYS[n + 1], owner, 'EX', ARGV[3 * n + 3]) end
end
return {0, counts, owner}
`;

type AdmitReply = [exceeded: number, counts: number[], owner: string | null];

/**
 * How many requests of a counter one trip takes: 1 % of a large limit, so that the requests the replicas hold
 * unused when a window ends stay a small part of it; one at a time for small limits and for connect attempts,
 * whose strict limit is counted request by request.
 */
export function blockOf(scope: Scope, rule: RateRule): number {
  return scope === 'sensitive' ? 1 : Math.max(1, Math.floor(rule.points / 100));
}

/** The client with the script defined on it (ioredis sends EVALSHA, and the script itself once if unknown). */
type AdmittingRedis = Redis & {
  integrationsAdmit(numKeys: number, ...args: (string | number)[]): Promise<AdmitReply>;
};

/** A counter as one request left it: what the RateLimit-* headers say, and whether it was over its limit. */
interface Counted {
  count: number;
  msBeforeNext: number;
  exceeded: boolean;
}

/**
 * Fixed-window limits kept in Redis, so they hold across api replicas: per client IP, per user, stricter per user
 * for connect attempts, and per user for sends. A request's counters (and a send's owner record) are one script
 * call: one round trip. A counter with a large limit is taken in blocks of 1 % of it (`blockOf`), which this replica
 * then admits from memory: a busy user's requests cost one trip per block instead of one each, and the replicas
 * together still never admit more than the limit (ADR 0025). When Redis fails, in-memory limiters of the same size
 * take over per replica (the old insurance), so an outage neither blocks nor unlimits; the owner record is then
 * skipped (lookups fall back).
 */
export class RateLimits {
  private readonly insurance: Record<Scope, RateLimiterMemory>;
  private readonly held = new HeldBlocks();
  /** Per counter key, the trip for a block on its way to Redis, which other requests wait for (see `fromBlock`). */
  private readonly trips = new Map<string, Promise<void>>();
  private readonly limited;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly config: RateLimitConfig,
    registry: Registry,
  ) {
    const memory = (rule: RateRule) =>
      new RateLimiterMemory({ points: rule.points, duration: rule.windowSeconds });
    this.insurance = {
      ip: memory(config.perIp),
      user: memory(config.perUser),
      sensitive: memory(config.sensitive),
      send: memory(config.sends),
    };
    this.limited = apiMetrics(registry).rateLimited;
    if (!('integrationsAdmit' in redis)) redis.defineCommand('integrationsAdmit', { lua: ADMIT });
  }

  private rules(): Record<Scope, RateRule> {
    return {
      ip: this.config.perIp,
      user: this.config.perUser,
      sensitive: this.config.sensitive,
      send: this.config.sends,
    };
  }

  private counterKey(scope: Scope, key: string): string {
    return `${this.prefix}rl:${scope}:${key}`;
  }

  /**
   * Counts the request against each `[scope, key]` in order; sets the RateLimit-* headers of the last one counted;
   * throws RATE_LIMITED (with Retry-After) past a limit. With `record`, also writes the owner record when the
   * request goes to Redis anyway, or when the owner must be copied from another record, and answers the owner
   * written; it answers no owner when none was written (none known, Redis down, or every counter admitted from a
   * held block: the caller then writes the record of a known owner itself, see `SendFlow`).
   */
  async admit(counters: [Scope, string][], res: Response, record?: OwnerRecord): Promise<{ owner?: string }> {
    const rules = this.rules();
    const keys = counters.map(([scope, key]) => this.counterKey(scope, key));
    const trips: (() => void)[] = [];
    let owner: string | null = null;
    const counted: (Counted | undefined)[] = [];
    try {
      for (const [i, [scope]] of counters.entries())
        counted.push(await this.fromBlock(keys[i] as string, blockOf(scope, rules[scope]) > 1, trips));
      const asked = counters.flatMap((_, i) => (counted[i] ? [] : [i]));
      if (asked.length > 0 || (record && 'copyFrom' in record.owner)) {
        try {
          owner = await this.ask(counters, keys, asked, counted, record);
        } catch {
          // Redis is away: the counters it was asked for are counted in this replica's memory (the held blocks
          // still count), and no owner record is written.
          if (asked.length > 0)
            return await this.admitInMemory(
              asked.map((i) => counters[i] as [Scope, string]),
              res,
            );
        }
      }
    } finally {
      for (const done of trips) done();
    }
    const over = counted.findIndex((c) => c?.exceeded);
    const last = over >= 0 ? over : counted.length - 1;
    const scope = counters[last]?.[0];
    const state = counted[last];
    if (scope && state) {
      this.headers(res, rules[scope], rules[scope].points - state.count, state.msBeforeNext);
      if (state.exceeded) this.refuse(scope, state.msBeforeNext);
    }
    return owner ? { owner } : {};
  }

  /**
   * Admits the request from the key's held block. When there is none and blocks are shared (`shared`: a block of
   * more than one), a request that finds another's trip for a block on its way waits for it, so that concurrent
   * requests share one block instead of taking one each; otherwise it reserves the key's trip (released through
   * `trips` once its answer is kept) and answers undefined: the caller asks Redis. Every request lists its counters
   * in one order (ip, user, sensitive), and waits only on a later one than those it reserved, so no two wait on each
   * other.
   */
  private async fromBlock(key: string, shared: boolean, trips: (() => void)[]): Promise<Counted | undefined> {
    for (;;) {
      const held = this.held.take(key, performance.now());
      if (held) return { ...held, exceeded: false };
      if (!shared) return undefined;
      const pending = this.trips.get(key);
      if (!pending) {
        let release = () => {};
        this.trips.set(key, new Promise<void>((resolve) => (release = resolve)));
        trips.push(() => {
          this.trips.delete(key);
          release();
        });
        return undefined;
      }
      await pending;
    }
  }

  /**
   * One script call for the counters this replica holds no block of (`asked`, in order) and the owner record: fills
   * `counted` for those the script reached, keeps the rest of each block granted, and answers the owner written.
   */
  private async ask(
    counters: [Scope, string][],
    keys: string[],
    asked: number[],
    counted: (Counted | undefined)[],
    record: OwnerRecord | undefined,
  ): Promise<string | null> {
    const rules = this.rules();
    const scriptKeys = asked.map((i) => keys[i] as string);
    const args: (string | number)[] = [
      asked.length,
      ...asked.flatMap((i) => {
        const [scope] = counters[i] as [Scope, string];
        const rule = rules[scope];
        return [rule.points, rule.windowSeconds * 1000, blockOf(scope, rule)];
      }),
    ];
    if (record) {
      scriptKeys.push(record.key, 'value' in record.owner ? record.key : record.owner.copyFrom);
      args.push('value' in record.owner ? record.owner.value : '', record.ttlSeconds);
    }
    const askedAt = performance.now();
    const [, counts, owner] = await (this.redis as AdmittingRedis).integrationsAdmit(
      scriptKeys.length,
      ...scriptKeys,
      ...args,
    );
    asked.forEach((i, j) => {
      if (3 * j >= counts.length) return;
      const countAfter = Number(counts[3 * j]);
      const msBeforeNext = Math.max(0, Number(counts[3 * j + 1]));
      const granted = Number(counts[3 * j + 2]);
      if (granted === 0) {
        counted[i] = { count: countAfter, msBeforeNext, exceeded: true };
        return;
      }
      this.held.keep(keys[i] as string, granted - 1, countAfter, msBeforeNext, askedAt);
      counted[i] = { count: countAfter - (granted - 1), msBeforeNext, exceeded: false };
    });
    return owner;
  }

  /** The same counters in this replica's memory, while Redis is not answering. */
  private async admitInMemory(counters: [Scope, string][], res: Response): Promise<{ owner?: string }> {
    const rules = this.rules();
    for (const [scope, key] of counters) {
      try {
        const state = await this.insurance[scope].consume(key);
        this.headers(res, rules[scope], state.remainingPoints, state.msBeforeNext);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        this.headers(res, rules[scope], 0, error.msBeforeNext);
        this.refuse(scope, error.msBeforeNext);
      }
    }
    return {};
  }

  private refuse(scope: Scope, msBeforeNext: number): never {
    this.limited.inc({ scope });
    throw new DomainError(
      'RATE_LIMITED',
      'Too many requests; slow down and retry after the indicated time.',
      {
        retryAfter: Math.max(1, Math.ceil(msBeforeNext / 1000)),
      },
    );
  }

  private headers(res: Response, rule: RateRule, remaining: number, msBeforeNext: number): void {
    res.setHeader('RateLimit-Limit', String(rule.points));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, remaining)));
    res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(msBeforeNext / 1000))));
  }
}
