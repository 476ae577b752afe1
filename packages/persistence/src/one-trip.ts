import { CompiledQuery, type Kysely } from 'kysely';

/**
 * Runs `statements` as one transaction in a single round trip to MariaDB (`start transaction; …; commit` as one
 * multi-statement query), and answers each statement's affected rows, in order.
 *
 * Why: every statement is a socket write and a read in the service and a wake-up in the server, and on these
 * machines the syscalls are a large part of a send's cost (the bot connector spent a third of its CPU in mysql2's
 * socket writes); a four-statement transaction is one write instead of four. What a statement needs from an
 * earlier one is said in SQL (`row_count()`), not read back in between.
 *
 * Needs a pool with `multipleStatements` (as `createDb` makes it). Safe for the same reason every other query is:
 * the statements are compiled by Kysely, values travel as parameters and are escaped by mysql2, never pasted in.
 * A statement that fails stops the rest: the transaction is rolled back on the same connection before the error
 * is rethrown, so the pool never gets a connection back in the middle of a transaction.
 */
export async function transactionInOneTrip<DB>(
  db: Kysely<DB>,
  statements: ReadonlyArray<CompiledQuery>,
): Promise<bigint[]> {
  const text = ['start transaction', ...statements.map((statement) => statement.sql), 'commit'].join(';\n');
  const parameters = statements.flatMap((statement) => statement.parameters);
  return db.connection().execute(async (connection) => {
    let rows: unknown[];
    try {
      ({ rows } = await connection.executeQuery(CompiledQuery.raw(text, [...parameters])));
    } catch (error) {
      await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
      throw error;
    }
    // One result per statement, `start transaction` and `commit` included.
    if (rows.length !== statements.length + 2) {
      throw new Error(`expected ${statements.length + 2} results from one trip, got ${rows.length}`);
    }
    return rows.slice(1, -1).map((result) => BigInt((result as { affectedRows?: number }).affectedRows ?? 0));
  });
}
