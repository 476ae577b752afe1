import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';

type Row = Record<string, unknown>;

/** What one statement of a trip answered: the rows it selected (none for a write) and the rows it changed. */
export interface StatementResult {
  rows: Row[];
  affected: bigint;
}

/**
 * Runs `statements` in a single round trip to MariaDB, as one multi-statement query, and answers each statement's
 * result, in order. With `transaction` they are one transaction (`start transaction; …; commit`); without, each
 * commits on its own (autocommit), in order.
 *
 * Why: every statement is a socket write and a read in the service and a wake-up in the server, and on these
 * machines the syscalls are a large part of a send's cost (the bot connector spent a third of its CPU in mysql2's
 * socket writes); a four-statement transaction is one write instead of four. What a statement needs from an
 * earlier one is said in SQL (`row_count()`), not read back in between.
 *
 * Needs a pool with `multipleStatements` (as `createDb` makes it). Safe for the same reason every other query is:
 * the statements are compiled by Kysely, values travel as parameters and are escaped by mysql2, never pasted in.
 * A statement that fails stops the rest; in a transaction it is rolled back on the same connection before the
 * error is rethrown, so the pool never gets a connection back in the middle of a transaction.
 */
export async function inOneTrip<DB>(
  db: Kysely<DB>,
  statements: ReadonlyArray<CompiledQuery>,
  options: { transaction: boolean },
): Promise<StatementResult[]> {
  const framed = options.transaction;
  const query = oneQuery(framed ? ['start transaction'] : [], statements, framed ? ['commit'] : []);
  return db.connection().execute(async (connection) => {
    let answer: QueryResult<unknown>;
    try {
      answer = await connection.executeQuery(query);
    } catch (error) {
      if (framed) await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
      throw error;
    }
    // A lone statement is answered as any query is; several with one result each (`start transaction` and
    // `commit` included), which Kysely hands over as they came.
    if (statements.length === 1 && !framed) {
      return [{ rows: answer.rows as Row[], affected: answer.numAffectedRows ?? 0n }];
    }
    const expected = statements.length + (framed ? 2 : 0);
    if (answer.rows.length !== expected) {
      throw new Error(`expected ${expected} results from one trip, got ${answer.rows.length}`);
    }
    return (framed ? answer.rows.slice(1, -1) : answer.rows).map(resultOf);
  });
}

/** `inOneTrip` as one transaction, answering each statement's affected rows. */
export async function transactionInOneTrip<DB>(
  db: Kysely<DB>,
  statements: ReadonlyArray<CompiledQuery>,
): Promise<bigint[]> {
  return (await inOneTrip(db, statements, { transaction: true })).map((result) => result.affected);
}

/**
 * A transaction that must wait for something outside the database between reading and writing (the outbox relay
 * holds its rows locked while the broker confirms them), in two round trips on one connection instead of one per
 * statement plus `BEGIN` and `COMMIT`: `start transaction` with the `first` statements, then `then`'s statements
 * with `commit`. `then` gets the first statements' results and answers what to write and what to return. If
 * anything fails, the transaction is rolled back on the same connection before the error is rethrown.
 * `readCommitted`: the transaction runs at READ COMMITTED (for this transaction only), so that a locking read
 * keeps no lock on the rows its WHERE rejected, and none on gaps.
 */
export async function transactionInTwoTrips<DB, T>(
  db: Kysely<DB>,
  first: ReadonlyArray<CompiledQuery>,
  then: (results: StatementResult[]) => Promise<{ statements: ReadonlyArray<CompiledQuery>; value: T }>,
  options: { readCommitted?: boolean } = {},
): Promise<T> {
  const opening = [
    ...(options.readCommitted ? ['set transaction isolation level read committed'] : []),
    'start transaction',
  ];
  return db.connection().execute(async (connection) => {
    try {
      const opened = await connection.executeQuery(oneQuery(opening, first, []));
      // Several statements answer one result each, the opening ones first.
      const results = (opened.rows as unknown[]).slice(opening.length).map(resultOf);
      const { statements, value } = await then(results);
      await connection.executeQuery(oneQuery([], statements, ['commit']));
      return value;
    } catch (error) {
      await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
      throw error;
    }
  });
}

/** Compiled statements as one multi-statement query, between plain ones (`start transaction`, `commit`). */
function oneQuery(
  before: readonly string[],
  statements: ReadonlyArray<CompiledQuery>,
  after: readonly string[],
): CompiledQuery {
  return CompiledQuery.raw(
    [...before, ...statements.map((statement) => statement.sql), ...after].join(';\n'),
    statements.flatMap((statement) => [...statement.parameters]),
  );
}

function resultOf(result: unknown): StatementResult {
  if (Array.isArray(result)) return { rows: result as Row[], affected: 0n };
  return { rows: [], affected: BigInt((result as { affectedRows?: number }).affectedRows ?? 0) };
}
