import type { Kysely, Migration } from '@integrations/persistence';

/** The statistics count one user's rows over a date range; without this they would walk every row of the user. */
export const logsByDay: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('integration_logs_user_created')
      .on('integration_logs')
      .columns(['user_id', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('integration_logs_user_created').on('integration_logs').execute();
  },
};
