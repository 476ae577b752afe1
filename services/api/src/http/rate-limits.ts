import { DomainError } from '@integrations/contracts';
import { apiMetrics, type Registry } from '@integrations/observability';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

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
 * Fixed-window counters, in order: each is counted (INCR, the window set on the first), and the first one over
 * its limit stops the rest, as separate limiters would. Then, when asked and nothing was over, the owner record.
 * One round trip per request, whatever it counts. Answers `{exceeded index (1-based) or 0, [count, pttl]..., owner}`.
 */
const ADMIT = `
local n = tonumber(ARGV[1])
local counts = {}
for i = 1, n do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  local count = redis.call('INCR', KEYS[i])
  local ttl = window
  if count == 1 then redis.call('PEXPIRE', KEYS[i], window) else ttl = redis.call('PTTL', KEYS[i]) end
  counts[#counts + 1] = count
  counts[#counts + 1] = ttl
  if count > limit then return {i, counts, false} end
end
local owner = false
if #KEYS > n then
  owner = ARGV[2 * n + 2]
  if owner == '' then owner = redis.call('GET', KEYS[n + 2]) end
  if owner then redis.call('SET', KEYS[n + 1], owner, 'EX', ARGV[2 * n + 3]) end
end
return {0, counts, owner}
`;

type AdmitReply = [exceeded: number, counts: number[], owner: string | null];

/** The client with the script defined on it (ioredis sends EVALSHA, and the script itself once if unknown). */
type AdmittingRedis = Redis & {
  integrationsAdmit(numKeys: number, ...args: (string | number)[]): Promise<AdmitReply>;
};

/**
 * Fixed-window limits kept in Redis, so they hold across api replicas: per client IP, per user, stricter per user
 * for connect attempts, and per user for sends. A request's counters (and a send's owner record) are one script
 * call: one round trip. When Redis fails, in-memory limiters of the same size take over per replica (the old
 * insurance), so an outage neither blocks nor unlimits; the owner record is then skipped (lookups fall back).
 */
export class RateLimits {
  private readonly insurance: Record<Scope, RateLimiterMemory>;
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
   * throws RATE_LIMITED (with Retry-After) past a limit. With `record`, also writes the owner record and answers
   * the owner written (undefined when none was known, or Redis was down).
   */
  async admit(counters: [Scope, string][], res: Response, record?: OwnerRecord): Promise<{ owner?: string }> {
    const rules = this.rules();
    const keys = counters.map(([scope, key]) => this.counterKey(scope, key));
    const args: (string | number)[] = [
      counters.length,
      ...counters.flatMap(([scope]) => [rules[scope].points, rules[scope].windowSeconds * 1000]),
    ];
    if (record) {
      keys.push(record.key, 'value' in record.owner ? record.key : record.owner.copyFrom);
      args.push('value' in record.owner ? record.owner.value : '', record.ttlSeconds);
    }
    let reply: AdmitReply;
    try {
      reply = await (this.redis as AdmittingRedis).integrationsAdmit(keys.length, ...keys, ...args);
    } catch {
      await this.admitInMemory(counters, res);
      return {};
    }
    const [exceeded, counts, owner] = reply;
    const last = exceeded > 0 ? exceeded - 1 : counters.length - 1;
    const scope = counters[last]?.[0];
    if (scope) {
      const count = Number(counts[2 * last]);
      const ttlMs = Number(counts[2 * last + 1]);
      this.headers(res, rules[scope], rules[scope].points - count, ttlMs);
      if (exceeded > 0) this.refuse(scope, ttlMs);
    }
    return owner ? { owner } : {};
  }

  /** The same counters in this replica's memory, while Redis is not answering. */
  private async admitInMemory(counters: [Scope, string][], res: Response): Promise<void> {
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
