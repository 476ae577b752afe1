import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * Platform users deleted everywhere: their entries are purged, and an event about them that arrives later (a send
 * that was in flight) is not recorded again. Only the user's opaque id is kept.
 */
export const purgedUsers: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('purged_users')
      .addColumn('user_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('purged_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`current_timestamp(3)`))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('purged_users').execute();
  },
};
