import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * The seed's integration_logs with ARCHITECTURE.md §7's changes: `user_id` is the token's `sub` (no foreign key
 * into another service's table), one row per event (`event_id` unique: redelivery is harmless), and the request,
 * trace, actor, target and details of what happened.
 */
export const integrationLogs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('integration_logs')
      .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
      .addColumn('event_id', 'varchar(128)', (c) => c.notNull().unique())
      .addColumn('event_type', 'varchar(128)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn(
        'integration_type',
        sql`enum('telegram_account','telegram_bot','telegram_channel','security')`,
        (c) => c.notNull(),
      )
      .addColumn('action', 'varchar(50)', (c) => c.notNull())
      .addColumn('status', sql`enum('success','error','info')`, (c) => c.notNull())
      .addColumn('error_message', 'text')
      .addColumn('target_id', 'varchar(64)')
      .addColumn('actor', 'varchar(128)')
      .addColumn('request_id', 'varchar(128)')
      .addColumn('trace_id', 'varchar(32)')
      .addColumn('details', sql`longtext`, (c) => c.notNull())
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('integration_logs_user')
      .on('integration_logs')
      .columns(['user_id', 'id'])
      .execute();
    await db.schema
      .createIndex('integration_logs_user_type')
      .on('integration_logs')
      .columns(['user_id', 'integration_type', 'action', 'id'])
      .execute();
    await db.schema
      .createIndex('integration_logs_created')
      .on('integration_logs')
      .columns(['created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('integration_logs').execute();
  },
};
