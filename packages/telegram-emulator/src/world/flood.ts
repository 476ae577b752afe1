import type { LimitRule } from './types';

/**
 * Sliding-window send counters (Telegram's flood limits). `hit` records a send if the window has room and
 * answers 0, or answers how many milliseconds until it would have room, recording nothing.
 */
export class FloodCounter {
  private windows = new Map<string, number[]>();

  hit(key: string, rule: LimitRule, now = Date.now()): number {
    if (rule.count <= 0) return 0;
    let times = this.windows.get(key);
    if (times === undefined) {
      times = [];
      this.windows.set(key, times);
    }
    const since = now - rule.windowMs;
    let drop = 0;
    while (drop < times.length && times[drop]! <= since) drop += 1;
    if (drop > 0) times.splice(0, drop);
    if (times.length >= rule.count) return times[0]! + rule.windowMs - now;
    times.push(now);
    return 0;
  }

  /** Checks several windows at once: records in all of them only if every one has room. */
  hitAll(entries: ReadonlyArray<readonly [key: string, rule: LimitRule]>, now = Date.now()): number {
    let wait = 0;
    for (const [key, rule] of entries) wait = Math.max(wait, this.peek(key, rule, now));
    if (wait > 0) return wait;
    for (const [key, rule] of entries) this.hit(key, rule, now);
    return 0;
  }

  private peek(key: string, rule: LimitRule, now: number): number {
    if (rule.count <= 0) return 0;
    const times = this.windows.get(key);
    if (times === undefined) return 0;
    const since = now - rule.windowMs;
    let first = 0;
    while (first < times.length && times[first]! <= since) first += 1;
    if (times.length - first < rule.count) return 0;
    return times[first]! + rule.windowMs - now;
  }

  clear(): void {
    this.windows.clear();
  }
}
