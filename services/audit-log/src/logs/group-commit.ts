interface Waiting<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit: what is handed in while a write runs goes out together in the next write, so that one statement
 * takes a whole delivery batch instead of one each. Nothing waits on a timer: the first write starts once the
 * current I/O phase has handed in what it brought (`setImmediate`). Each caller resolves only when its own item
 * is written (at-least-once is kept: a message is acked after its row is committed). When a batch fails, its
 * items are written one by one, so a bad one fails alone.
 */
export class GroupCommit<T> {
  private waiting: Waiting<T>[] = [];
  private draining = false;

  constructor(
    private readonly write: (items: T[]) => Promise<unknown>,
    private readonly maxBatch = 200,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((w) => w.item));
        for (const w of batch) w.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else await Promise.all(batch.map((w) => this.write([w.item]).then(w.resolve, w.reject)));
      }
    }
    this.draining = false;
  }
}
