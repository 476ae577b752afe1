import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * `platform` and `resource` (the routing key's first words) instead of the Telegram-only `integration_type` enum,
 * so that a new platform's events are filed under its own name. Existing rows keep their meaning: a Telegram row
 * keeps the resource its type named (a message's is the bot, account or channel it went through); any other row
 * takes both words from its event type (rows an older version mislabelled `telegram_bot` are corrected).
 */
export const logsByPlatform: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('integration_logs')
      .addColumn('platform', 'varchar(32)', (c) => c.notNull().defaultTo(''))
      .addColumn('resource', 'varchar(32)', (c) => c.notNull().defaultTo(''))
      .execute();
    await sql`
      update integration_logs set
        platform = substring_index(event_type, '.', 1),
        resource = case
          when substring_index(event_type, '.', 1) = 'telegram' and integration_type != 'security'
            then substring(integration_type, length('telegram_') + 1)
          else substring_index(substring_index(event_type, '.', 2), '.', -1)
        end`.execute(db);
    await db.schema
      .createIndex('integration_logs_user_platform')
      .on('integration_logs')
      .columns(['user_id', 'platform', 'resource', 'action', 'id'])
      .execute();
    await db.schema.dropIndex('integration_logs_user_type').on('integration_logs').execute();
    await db.schema.alterTable('integration_logs').dropColumn('integration_type').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .alterTable('integration_logs')
      .addColumn(
        'integration_type',
        sql`enum('telegram_account','telegram_bot','telegram_channel','security')`,
        (c) => c.notNull().defaultTo('security'),
      )
      .execute();
    await sql`
      update integration_logs set integration_type = case
        when platform = 'telegram' and resource in ('bot', 'account', 'channel') then concat('telegram_', resource)
        else 'security'
      end`.execute(db);
    await db.schema
      .createIndex('integration_logs_user_type')
      .on('integration_logs')
      .columns(['user_id', 'integration_type', 'action', 'id'])
      .execute();
    await db.schema.dropIndex('integration_logs_user_platform').on('integration_logs').execute();
    await db.schema.alterTable('integration_logs').dropColumn('platform').dropColumn('resource').execute();
  },
};
