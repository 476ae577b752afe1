/**
 * One serial queue per key: a step for a key starts once the step before it for that key has settled (fulfilled or
 * rejected), and a failing step does not stop the ones after it. Keys without waiting work are forgotten.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `step` after the steps already queued for `key`; answers what `step` answers. */
  run<T>(key: string, step: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(step, step);
    const settled = next.catch(() => undefined);
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return next;
  }

  /** Whether work for `key` is running or waiting. */
  has(key: string): boolean {
    return this.tails.has(key);
  }

  /** How many keys have work running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}
