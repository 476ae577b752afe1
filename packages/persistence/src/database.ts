import { Kysely, MysqlDialect, type KyselyConfig } from 'kysely';
import { createConnection, createPool } from 'mysql2';

export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306';

export interface DbOptions {
  /** The server (MYSQL_URL); a database in the URL's path is ignored in favour of `database`. */
  url?: string;
  database: string;
  poolSize?: number;
  /** Kysely's query log: called once per query sent (a transaction in one trip is one query). */
  log?: KyselyConfig['log'];
}

function poolOptions(url: string, database: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
    // Telegram ids exceed 2^53: BIGINTs come back as strings, never as lossy numbers.
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
    dateStrings: false,
    charset: 'utf8mb4',
    // For `transactionInOneTrip` (one write for a whole transaction). Every query is compiled by Kysely with its
    // values as parameters, so a value can never become a second statement.
    multipleStatements: true,
  };
}

/** A Kysely instance over a mysql2 pool for one service's own database. */
export function createDb<DB>(options: DbOptions): Kysely<DB> {
  const url = options.url ?? process.env.MYSQL_URL ?? DEFAULT_MYSQL_URL;
  const pool = createPool({ ...poolOptions(url, options.database), connectionLimit: options.poolSize ?? 10 });
  return new Kysely<DB>({
    dialect: new MysqlDialect({ pool }),
    ...(options.log ? { log: options.log } : {}),
  });
}

const SAFE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** Creates the service's database if it is missing (utf8mb4), so a fresh server needs no manual step. */
export async function ensureDatabase(url: string, database: string): Promise<void> {
  if (!SAFE_NAME.test(database)) throw new Error(`invalid database name ${JSON.stringify(database)}`);
  const { database: _ignored, ...server } = poolOptions(url, database);
  const conn = createConnection(server).promise();
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}

/** MariaDB's answers that a try again may not get: a lock given up, or the server going away or too busy. */
const PASSING_SERVER_ERRORS = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
]);

/**
 * Whether a failed statement may succeed if it is run again: the connection was lost or refused (mysql2 marks such
 * errors `fatal`), or MariaDB gave up a lock or is going away. A bad statement, a constraint, a missing row or a
 * closed pool is not: running it again would fail the same way.
 */
export function isPassingDatabaseError(error: unknown): boolean {
  const { code, fatal } = (error ?? {}) as { code?: unknown; fatal?: unknown };
  if (typeof code === 'string' && PASSING_SERVER_ERRORS.has(code)) return true;
  return fatal === true;
}
