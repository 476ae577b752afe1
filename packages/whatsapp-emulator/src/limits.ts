/** `count` messages per `windowMs` (sliding window). `count: 0` means no limit. */
export interface LimitRule {
  count: number;
  windowMs: number;
}

/**
 * The emulator's throughput limits. Meta's defaults: 80 messages per second per business number (code 130429),
 * and about one message every 6 seconds from one business number to one customer, with bursts allowed (code
 * 131056); the emulator counts the pair rate as 10 per minute so a short burst passes.
 */
export interface Limits {
  enabled: boolean;
  perNumber: LimitRule;
  perPair: LimitRule;
}

export const DEFAULT_LIMITS: Limits = {
  enabled: true,
  perNumber: { count: 80, windowMs: 1000 },
  perPair: { count: 10, windowMs: 60_000 },
};

function validRule(value: unknown, name: string): LimitRule {
  const rule = value as Partial<LimitRule> | null;
  const ok = (n: unknown, min: number): n is number =>
    typeof n === 'number' && Number.isInteger(n) && n >= min;
  if (rule === null || typeof rule !== 'object' || !ok(rule.count, 0) || !ok(rule.windowMs, 1)) {
    throw new Error(`${name} must be {count: integer >= 0, windowMs: integer >= 1}`);
  }
  return { count: rule.count, windowMs: rule.windowMs };
}

/** Merges a patch into limits; throws (nothing changed) on a bad value. */
export function mergeLimits(current: Limits, patch: unknown): Limits {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new Error('limits must be an object');
  }
  const p = patch as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!['enabled', 'perNumber', 'perPair'].includes(key)) throw new Error(`unknown limit "${key}"`);
  }
  if (p.enabled !== undefined && typeof p.enabled !== 'boolean')
    throw new Error('enabled must be true or false');
  return {
    enabled: (p.enabled as boolean | undefined) ?? current.enabled,
    perNumber: p.perNumber === undefined ? current.perNumber : validRule(p.perNumber, 'perNumber'),
    perPair: p.perPair === undefined ? current.perPair : validRule(p.perPair, 'perPair'),
  };
}

/** Sliding-window counters keyed by number or number+recipient, on the emulator's clock. */
export class RateCounter {
  private windows = new Map<string, number[]>();

  /** True when `key` has room under `rule` at `now` (records nothing). */
  hasRoom(key: string, rule: LimitRule, now: number): boolean {
    if (rule.count <= 0) return true;
    const times = this.prune(key, rule, now);
    return times.length < rule.count;
  }

  record(key: string, now: number): void {
    const times = this.windows.get(key);
    if (times === undefined) this.windows.set(key, [now]);
    else times.push(now);
  }

  clear(): void {
    this.windows.clear();
  }

  private prune(key: string, rule: LimitRule, now: number): number[] {
    const times = this.windows.get(key) ?? [];
    const since = now - rule.windowMs;
    let drop = 0;
    while (drop < times.length && times[drop]! <= since) drop += 1;
    if (drop > 0) times.splice(0, drop);
    return times;
  }
}
