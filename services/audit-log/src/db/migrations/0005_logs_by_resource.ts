import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * Which bot, account or channel an entry is about, so that the UI can show one integration's history and
 * statistics. Older rows get theirs from the event data they kept (a post to a channel is the channel's).
 */
export const logsByResource: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('integration_logs')
      .addColumn('resource_type', 'varchar(16)')
      .addColumn('resource_id', 'varchar(64)')
      .execute();
    await sql`
      update integration_logs set
        resource_type = case
          when json_value(details, '$.channelId') is not null then 'channel'
          when json_value(details, '$.via.type') in ('bot', 'account', 'channel') then json_value(details, '$.via.type')
          when json_value(details, '$.accountId') is not null then 'account'
          when json_value(details, '$.botId') is not null then 'bot'
        end,
        resource_id = coalesce(
          json_value(details, '$.channelId'),
          json_value(details, '$.via.id'),
          json_value(details, '$.accountId'),
          json_value(details, '$.botId')
        )
      where integration_type != 'security'`.execute(db);
    await db.schema
      .createIndex('integration_logs_user_resource')
      .on('integration_logs')
      .columns(['user_id', 'resource_id', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('integration_logs_user_resource').on('integration_logs').execute();
    await db.schema
      .alterTable('integration_logs')
      .dropColumn('resource_type')
      .dropColumn('resource_id')
      .execute();
  },
};
