import { isPassingDatabaseError } from '@integrations/persistence';
import { setTimeout as sleep } from 'node:timers/promises';

/** The waits between tries while the database fails: 50 ms, doubling, at most 5 s. */
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 5_000;

/** A try of `untilRecorded` that failed, and how long until the next. */
export interface FailedRecord {
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RecordOptions {
  /** True once the service is stopping: a failed try is then the last. */
  stopping?: () => boolean;
}

/**
 * Writes the record of an outcome already decided outside (the platform took the message): should the database
 * fail in a way that passes (`isPassingDatabaseError`: a lost connection, a lock given up), it is written again, with growing
 * waits, until it commits. Nothing else may be recorded instead (a sent message recorded as failed invites a second
 * send). Any other error is thrown at once: running it again would fail the same way. `write` gets the attempt's
 * number (1 first) and must be safe to run again after a try whose commit went through while its answer was lost.
 */
export async function untilRecorded<T>(
  write: (attempt: number) => Promise<T>,
  failed: (failure: FailedRecord) => void,
  options: RecordOptions = {},
): Promise<T> {
  const { stopping = () => false } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write(attempt);
    } catch (error) {
      // A stop does not wait on a database that is away: the row is left as a crash leaves it, to recovery.
      if (!isPassingDatabaseError(error) || stopping()) throw error;
      const delayMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
      failed({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
