import { DomainError } from '@integrations/contracts';
import { apiMetrics, type Registry } from '@integrations/observability';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateRule {
  /** Requests allowed per window. */
  points: number;
  windowSeconds: number;
}

export interface RateLimitConfig {
  perIp: RateRule;
  perUser: RateRule;
  /** Connecting and sending: the calls that reach Telegram or make sessions. */
  sensitive: RateRule;
}

export type Scope = 'ip' | 'user' | 'sensitive';

/**
 * Fixed-window limits kept in Redis, so they hold across api replicas: per client IP (before authentication),
 * per user, and a stricter one per user for connect and send. When Redis fails, an in-memory limiter of the same
 * size takes over per replica (rate-limiter-flexible's insurance), so an outage neither blocks nor unlimits.
 */
export class RateLimits {
  private readonly limiters: Record<Scope, RateLimiterRedis>;
  private readonly limited;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly config: RateLimitConfig,
    registry: Registry,
  ) {
    const make = (scope: Scope, rule: RateRule) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}rl:${scope}`,
        points: rule.points,
        duration: rule.windowSeconds,
        insuranceLimiter: new RateLimiterMemory({ points: rule.points, duration: rule.windowSeconds }),
      });
    this.limiters = {
      ip: make('ip', config.perIp),
      user: make('user', config.perUser),
      sensitive: make('sensitive', config.sensitive),
    };
    this.limited = apiMetrics(registry).rateLimited;
  }

  /** Counts one request; sets the RateLimit-* headers; throws RATE_LIMITED (with Retry-After) past the limit. */
  async consume(scope: Scope, key: string, res: Response): Promise<void> {
    const rule =
      scope === 'ip' ? this.config.perIp : scope === 'user' ? this.config.perUser : this.config.sensitive;
    try {
      const state = await this.limiters[scope].consume(key);
      this.headers(res, rule, state);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      this.headers(res, rule, error);
      this.limited.inc({ scope });
      throw new DomainError(
        'RATE_LIMITED',
        'Too many requests; slow down and retry after the indicated time.',
        {
          retryAfter: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
        },
      );
    }
  }

  private headers(res: Response, rule: RateRule, state: RateLimiterRes): void {
    res.setHeader('RateLimit-Limit', String(rule.points));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, state.remainingPoints)));
    res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(state.msBeforeNext / 1000))));
  }
}
