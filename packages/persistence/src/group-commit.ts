interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: what is handed in while a write runs goes out together in the next write, so that one statement
 * (or one transaction) takes the work of many callers instead of one each. Nothing waits on a timer: the first
 * write starts once the current I/O phase has handed in what it brought (`setImmediate`), so a lone caller is
 * written at once, alone. `write` answers one result per item, in order; each caller gets its own, and only once
 * its own item is written. When a batch fails, its items are written one by one, so a bad one fails alone.
 */
export class GroupCommit<T, R = void> {
  private waiting: Waiting<T, R>[] = [];
  private draining = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 200,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
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
        const results = await this.write(batch.map((w) => w.item));
        if (results.length !== batch.length)
          throw new Error(`a group write answered ${results.length} results for ${batch.length} items`);
        batch.forEach((w, i) => w.resolve(results[i] as R));
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else await Promise.all(batch.map((w) => this.writeOne(w)));
      }
    }
    this.draining = false;
  }

  private async writeOne(waiting: Waiting<T, R>): Promise<void> {
    try {
      const [result] = await this.write([waiting.item]);
      waiting.resolve(result as R);
    } catch (error) {
      waiting.reject(error);
    }
  }
}

/**
 * The answers of a batched lookup by id, in the callers' order: each caller gets its own copy of its row (as if it
 * had read it alone), or undefined when there is none.
 */
export function answersById<Row extends { id: string }>(ids: string[], rows: Row[]): Array<Row | undefined> {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = found.get(id);
    return row && { ...row };
  });
}
