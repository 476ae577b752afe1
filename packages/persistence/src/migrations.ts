import { Migrator, type Kysely, type Migration } from 'kysely';
import { ensureDatabase, createDb, DEFAULT_MYSQL_URL } from './database';

export interface MigrationLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** Runs every pending migration (Kysely's Migrator, migrations given in code); throws on the first failure. */
export async function migrateToLatest(
  // The Migrator works on any schema; the service's typed database is not needed here.
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  logger?: MigrationLogger,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  for (const name of applied) logger?.info('migration applied', { migration: name });
  const failed = (results ?? []).find((r) => r.status === 'Error');
  if (error) {
    logger?.error('migration failed', { migration: failed?.migrationName, error });
    throw error instanceof Error ? error : new Error(`migration ${failed?.migrationName ?? ''} failed`);
  }
  return applied;
}

/** `pnpm migrate` for a service: create its database if needed and migrate it. */
export async function runMigrationsCli(options: {
  database: string;
  migrations: Record<string, Migration>;
  url?: string;
}): Promise<void> {
  const url = options.url ?? process.env.MYSQL_URL ?? DEFAULT_MYSQL_URL;
  await ensureDatabase(url, options.database);
  const db = createDb<unknown>({ url, database: options.database, poolSize: 1 });
  try {
    const applied = await migrateToLatest(db, options.migrations);
    console.log(
      `${options.database}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`,
    );
  } finally {
    await db.destroy();
  }
}
