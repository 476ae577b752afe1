import { KeyedQueue } from '@integrations/connector-kit';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keeps each number inside Meta's throughput (80 messages a second by default) by waiting, not refusing: a send
 * takes a slot of its number's sliding window in arrival order, waiting until one is free; the calls themselves
 * overlap. Meta's 130429 is the backstop when another sender shares the number.
 */
export class NumberThrottle {
  private readonly slots = new KeyedQueue();
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly rule: { count: number; windowMs: number },
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<unknown> = sleep,
    /** Called each time a send has to wait (the `whatsapp_throttle_waits_total` counter). */
    private readonly onWait: () => void = () => undefined,
  ) {}

  /** Runs `job` once `key` has a free slot. */
  async run<T>(key: string, job: () => Promise<T>): Promise<T> {
    await this.slots.run(key, () => this.take(key));
    return job();
  }

  /** Drops a number's window (the number was removed). */
  forget(key: string): void {
    this.windows.delete(key);
  }

  /** Numbers with sends waiting for a slot. */
  get waiting(): number {
    return this.slots.size;
  }

  private async take(key: string): Promise<void> {
    const { count, windowMs } = this.rule;
    if (count <= 0 || windowMs <= 0) return;
    const times = this.windows.get(key) ?? [];
    this.windows.set(key, times);
    for (;;) {
      const now = this.now();
      while (times.length > 0 && times[0]! <= now - windowMs) times.shift();
      if (times.length < count) {
        times.push(now);
        return;
      }
      this.onWait();
      await this.wait(times[0]! + windowMs - now);
    }
  }
}
