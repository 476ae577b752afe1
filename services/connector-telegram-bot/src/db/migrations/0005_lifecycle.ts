import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * Bots and channels can be paused (kept, with their token, but not polled and not sent through) and named by
 * their user. Existing rows are active and unnamed.
 */
export const lifecycle: Migration = {
  async up(db: Kysely<unknown>) {
    for (const table of ['telegram_bots', 'telegram_channels'])
      await sql`alter table ${sql.table(table)}
        add column is_active boolean not null default true,
        add column label varchar(100) null`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['telegram_bots', 'telegram_channels'])
      await sql`alter table ${sql.table(table)} drop column is_active, drop column label`.execute(db);
  },
};
