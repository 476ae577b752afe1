import type { Logger, Registry } from '@integrations/observability';
import { AsyncLocalStorage } from 'node:async_hooks';
import CircuitBreaker from 'opossum';
import { Gauge } from 'prom-client';

/** A call the open breaker refused: it never reached the platform. */
export class BreakerOpenError extends Error {
  readonly code = 'EOPENBREAKER';
  constructor(
    /** The breaker that refused it: `<keyPrefix>:<key>` or the connector-wide one. */
    readonly breaker: string,
    /** How long the breaker refuses calls before it lets a trial call through (its reset time). */
    readonly retryAfterMs: number,
  ) {
    super(`circuit breaker ${breaker} is open`);
    this.name = 'BreakerOpenError';
  }
}

/** A call the platform did not answer in time. It may still have reached the platform. */
export class CallTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(readonly timeoutMs: number) {
    super(`the call did not finish within ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
  }
}

export interface BreakerSetOptions {
  /** The connector-wide breaker's name (`bot-api`, `mtproto`): it opens when the platform as a whole fails. */
  name: string;
  /** Per-key breakers are named `<keyPrefix>:<key>` (`bot:42`, `account:<id>`). */
  keyPrefix: string;
  /** The longest a call may take: past it the call fails with `CallTimeoutError` and counts as a failure. */
  timeoutMs: number;
  /** How long an open breaker refuses calls before it lets a trial call through. */
  resetMs: number;
  registry: Registry;
  logger: Logger;
  /**
   * Whether a failure says the platform is broken (unreachable, 5xx, timeouts) rather than answering about the
   * request (a bad peer, no rights): only those count towards opening. Timeouts always count. Default: all.
   */
  isFailure?: (error: unknown) => boolean;
  /** Calls within the rolling window before a breaker may open: per key, and connector-wide. */
  volumeThreshold?: { key: number; wide: number };
  /** The window failures are counted over. */
  rollingWindowMs?: number;
  /**
   * Whether a call may make another call of the same set from inside it (the account connector reconnects a
   * client inside a call): such a call then runs as part of the outer one, counted once. Tracking that takes an
   * `AsyncLocalStorage`, which on Node 20 switches on promise hooks for the whole process (a few % of a
   * connector's CPU), so a set whose calls never nest (the Bot API, the Graph API) leaves it off. Default: off.
   */
  nested?: boolean;
}

/** `circuit_breaker_state` as it is reported: 0 closed, 1 half-open, 2 open. */
export const BREAKER_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

type Call = () => Promise<unknown>;

/**
 * The breakers of one connector: one per key (a bot, an account) and one connector-wide, both opossum. A call
 * passes the connector-wide breaker, then its key's, and is bounded by `timeoutMs`. A refusal by a key's open
 * breaker does not count against the connector-wide one (one broken account must not stop the others).
 *
 * Metrics: `circuit_breaker_state{breaker}`; the connector-wide series always exists, a key's only while its
 * breaker is not closed (one series per account or bot would be too many to keep).
 */
export class BreakerSet {
  private readonly perKey = new Map<string, CircuitBreaker<[Call], unknown>>();
  private readonly wide: CircuitBreaker<[Call], unknown>;
  private readonly gauge: Gauge<'breaker'>;
  /** Only with `nested`: see BreakerSetOptions.nested. */
  private readonly inside: AsyncLocalStorage<true> | undefined;

  constructor(private readonly options: BreakerSetOptions) {
    this.gauge = breakerGauge(options.registry);
    this.inside = options.nested ? new AsyncLocalStorage<true>() : undefined;
    this.wide = this.create(options.name, options.volumeThreshold?.wide ?? 20, true);
  }

  /**
   * Runs `fn` behind the connector-wide breaker and, when `key` is given, the key's. Throws `BreakerOpenError`
   * without calling `fn` while either is open, `CallTimeoutError` when `fn` outlasts the timeout, and otherwise
   * whatever `fn` threw.
   */
  async call<T>(
    key: string | undefined,
    fn: () => Promise<T>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    const { inside } = this;
    if (inside?.getStore()) return fn();
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const bounded: Call = inside
      ? () => inside.run(true, () => withTimeout(fn(), timeoutMs))
      : () => withTimeout(fn(), timeoutMs);
    const inner: Call = key === undefined ? bounded : () => this.forKey(key).fire(bounded);
    try {
      return (await this.wide.fire(inner)) as T;
    } catch (error) {
      if (isOpossumRefusal(error)) throw this.refusal(key);
      throw error;
    }
  }

  /** Whether calls for `key` (or, without one, any call) are refused now. */
  isOpen(key?: string): boolean {
    return this.wide.opened || (key !== undefined && (this.perKey.get(key)?.opened ?? false));
  }

  /** Drops a key's breaker (the bot or account was removed). */
  forget(key: string): void {
    const breaker = this.perKey.get(key);
    if (breaker === undefined) return;
    breaker.shutdown();
    this.perKey.delete(key);
    this.gauge.remove({ breaker: this.keyName(key) });
  }

  shutdown(): void {
    for (const key of [...this.perKey.keys()]) this.forget(key);
    this.wide.shutdown();
  }

  /** Retry-After is the reset time: a stable hint (the trial call may come later than the exact remainder). */
  private refusal(key: string | undefined): BreakerOpenError {
    const wide = this.wide.opened || key === undefined;
    return new BreakerOpenError(wide ? this.options.name : this.keyName(key), this.options.resetMs);
  }

  private forKey(key: string): CircuitBreaker<[Call], unknown> {
    let breaker = this.perKey.get(key);
    if (breaker === undefined) {
      breaker = this.create(this.keyName(key), this.options.volumeThreshold?.key ?? 5, false);
      this.perKey.set(key, breaker);
    }
    return breaker;
  }

  private keyName(key: string): string {
    return `${this.options.keyPrefix}:${key}`;
  }

  private create(name: string, volumeThreshold: number, always: boolean): CircuitBreaker<[Call], unknown> {
    const { logger, isFailure = () => true } = this.options;
    const breaker = new CircuitBreaker((call: Call) => call(), {
      name,
      // Our own timeout (in `call`), so that it counts in both breakers and names itself.
      timeout: false,
      resetTimeout: this.options.resetMs,
      errorThresholdPercentage: 50,
      rollingCountTimeout: this.options.rollingWindowMs ?? 10_000,
      volumeThreshold,
      // `true` means "not a failure": answers about the request, and a key's refusal at the wide breaker.
      errorFilter: (error: unknown) =>
        isOpossumRefusal(error) || (!(error instanceof CallTimeoutError) && !isFailure(error)),
    });
    const gauge = this.gauge;
    if (always) gauge.set({ breaker: name }, BREAKER_STATE.closed);
    breaker.on('open', () => {
      gauge.set({ breaker: name }, BREAKER_STATE.open);
      logger.warn('circuit breaker opened', { breaker: name });
    });
    breaker.on('halfOpen', () => gauge.set({ breaker: name }, BREAKER_STATE.halfOpen));
    breaker.on('close', () => {
      if (always) gauge.set({ breaker: name }, BREAKER_STATE.closed);
      else gauge.remove({ breaker: name });
      logger.info('circuit breaker closed', { breaker: name });
    });
    return breaker;
  }
}

/** opossum's own refusal (open, or half-open with its trial call in flight). */
function isOpossumRefusal(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'EOPENBREAKER';
}

/** Bounds a call; the timer never keeps a stopping process alive. */
export async function withTimeout<T>(call: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeoutError(timeoutMs)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The one `circuit_breaker_state` gauge of a registry, shared by every breaker set registered in it. */
function breakerGauge(registry: Registry): Gauge<'breaker'> {
  const existing = registry.getSingleMetric('circuit_breaker_state');
  if (existing) return existing as Gauge<'breaker'>;
  return new Gauge({
    name: 'circuit_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open (per-key breakers only while not closed)',
    labelNames: ['breaker'] as const,
    registers: [registry],
  });
}
