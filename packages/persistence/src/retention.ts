import { sql, type Kysely } from 'kysely';

/** One kind of row to forget: `table` rows older than `days`, optionally only those `where` allows. */
export interface RetentionRule {
  table: string;
  /** The row's age column (indexed, so each batch is a range scan). */
  column?: string;
  days: number;
  /** Extra conditions, e.g. only finished messages: `status = 'sent'`. One rule per value keeps the index usable. */
  where?: Record<string, string>;
}

export interface RetentionOptions {
  rules: RetentionRule[];
  /** Rows per DELETE: small, so that no statement holds its locks for long. */
  batchSize?: number;
  /** How often to look; the first sweep starts one interval after start. */
  intervalMs?: number;
  onSwept?: (result: Record<string, number>) => void;
  onError?: (error: unknown) => void;
}

export interface RetentionJob {
  /** Deletes everything past its age now, batch by batch; answers the rows deleted per table. */
  sweep(now?: Date): Promise<Record<string, number>>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Forgets rows past their retention in small batches (`DELETE … LIMIT n`, one after another, yielding between
 * them), as a low-priority background job: a table is never locked for long, and a crash mid-way just leaves the
 * rest to the next sweep. Several replicas sweeping at once only find less to delete.
 */
export function retentionJob(db: Kysely<unknown>, options: RetentionOptions): RetentionJob {
  const batchSize = options.batchSize ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function sweep(now = new Date()): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const rule of options.rules) {
      const cutoff = new Date(now.getTime() - rule.days * 86_400_000);
      const conditions = Object.entries(rule.where ?? {}).map(
        ([column, value]) => sql`and ${sql.ref(column)} = ${value}`,
      );
      for (;;) {
        const result = await sql`delete from ${sql.table(rule.table)}
          where ${sql.ref(rule.column ?? 'created_at')} < ${cutoff} ${sql.join(conditions, sql` `)}
          limit ${sql.lit(batchSize)}`.execute(db);
        const n = Number(result.numAffectedRows ?? 0n);
        deleted[rule.table] = (deleted[rule.table] ?? 0) + n;
        if (n < batchSize || stopped) break;
        // Let the service's own queries in between two batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return deleted;
  }

  return {
    sweep,
    start() {
      const interval = options.intervalMs ?? 3_600_000;
      timer = setInterval(() => {
        if (running) return;
        running = sweep()
          .then((result) => options.onSwept?.(result))
          .catch((error: unknown) => options.onError?.(error))
          .finally(() => (running = undefined));
      }, interval);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
