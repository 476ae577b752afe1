import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * Accounts and their channels can be paused (the session stays stored, encrypted; the client is disconnected
 * and nothing is sent through it) and named by their user. Existing rows are active and unnamed.
 */
export const lifecycle: Migration = {
  async up(db: Kysely<unknown>) {
    for (const table of ['telegram_sessions', 'telegram_account_channels'])
      await sql`alter table ${sql.table(table)}
        add column is_active boolean not null default true,
        add column label varchar(100) null`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['telegram_sessions', 'telegram_account_channels'])
      await sql`alter table ${sql.table(table)} drop column is_active, drop column label`.execute(db);
  },
};
