import type { Redis } from 'ioredis';
import { v7 as uuidv7 } from 'uuid';

/**
 * This replica's heartbeat in Redis. A message is marked `sending` with the id of the replica that called
 * Telegram; when that replica's heartbeat is gone (killed, not stopped), nobody can know whether Telegram got the
 * message, and the sweep settles it instead of sending it a second time.
 */
export class ReplicaPresence {
  readonly id = uuidv7();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), Math.max(100, this.ttlMs / 3));
    this.timer.unref();
  }

  /** Which of these replica ids still beat (this one always does). */
  async alive(ids: string[]): Promise<Set<string>> {
    const others = ids.filter((id) => id !== this.id);
    const found = others.length ? await this.redis.mget(others.map((id) => this.key(id))) : [];
    return new Set([this.id, ...others.filter((_, i) => found[i] !== null)]);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.key(this.id)).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    await this.redis.set(this.key(this.id), '1', 'PX', this.ttlMs);
  }

  private key(id: string): string {
    return `${this.prefix}replica:${id}`;
  }
}
