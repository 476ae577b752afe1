import type { Kysely, Migration } from '@integrations/persistence';

/** Bots that receive updates by webhook keep a keyed hash of the secret_token Telegram echoes back. */
export const webhookSecret: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('telegram_bots').addColumn('webhook_secret_hash', 'char(64)').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('telegram_bots').dropColumn('webhook_secret_hash').execute();
  },
};
