/** Requests of one counter's window that this replica took from Redis together and has not admitted yet. */
interface Block {
  left: number;
  /** The shared count just after the block was taken: it includes the whole block. */
  countAfter: number;
  /** When the window ends, on this replica's monotonic clock (`performance.now()`), which no clock step moves. */
  endsAt: number;
}

/** Where a request admitted from a block leaves its counter, for the RateLimit-* headers. */
export interface HeldCount {
  /** The counter as this replica sees it: the shared count less what it still holds. */
  count: number;
  msBeforeNext: number;
}

/**
 * The blocks of shared rate counters this replica holds (see `RateLimits`). A block is only ever taken within the
 * limit, so the replicas together never admit more than it; what a replica holds when the window ends is simply not
 * used. The map is bounded: past `maxKeys`, the oldest block goes, whose requests are lost the same way (a refusal a
 * little early, never a request too many); an ended block goes when it is next asked for.
 */
export class HeldBlocks {
  private readonly blocks = new Map<string, Block>();

  constructor(private readonly maxKeys = 10_000) {}

  /** Admits one request from the key's block, or answers undefined when this replica holds none of its window. */
  take(key: string, now: number): HeldCount | undefined {
    const block = this.blocks.get(key);
    if (!block) return undefined;
    if (block.endsAt <= now) {
      this.blocks.delete(key);
      return undefined;
    }
    block.left -= 1;
    if (block.left === 0) this.blocks.delete(key);
    return { count: block.countAfter - block.left, msBeforeNext: block.endsAt - now };
  }

  /**
   * Keeps `left` requests of a block Redis granted (the rest of it admitted the request that took it), in place of
   * anything held for the key: one trip per key is on its way at a time (`RateLimits`), and it is made only once
   * nothing is left. `askedAt` is when the trip left: the window's end is counted from it, so this replica's block
   * ends no later than Redis's window.
   */
  keep(key: string, left: number, countAfter: number, msBeforeNext: number, askedAt: number): void {
    this.blocks.delete(key);
    if (left <= 0) return;
    this.blocks.set(key, { left, countAfter, endsAt: askedAt + msBeforeNext });
    // Maps iterate in insertion order: the first key is the oldest block.
    if (this.blocks.size > this.maxKeys) this.blocks.delete(this.blocks.keys().next().value as string);
  }

  get size(): number {
    return this.blocks.size;
  }
}
