import type { Kysely, Migration } from '@integrations/persistence';

/** The retention sweep deletes finished deliveries by age: a range scan per status instead of a table walk. */
export const deliveriesByAge: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('webhook_deliveries_finished')
      .on('webhook_deliveries')
      .columns(['status', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('webhook_deliveries_finished').on('webhook_deliveries').execute();
  },
};
