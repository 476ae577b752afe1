import { channelsTable, messagesTable, ownedTable, tableIndex } from '@integrations/connector-kit';
import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * The seed's telegram_bots and telegram_channels with ARCHITECTURE.md §7's changes: the token only encrypted
 * (with its key version) plus a keyed hash for duplicates, status columns, `user_id` = the token's `sub` without
 * a foreign key; outbound messages get their own table (idempotency by id, status, Telegram's message id).
 */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await ownedTable(
      db,
      'telegram_bots',
      (t) =>
        t
          .addColumn('telegram_bot_id', 'varchar(20)', (c) => c.notNull())
          .addColumn('username', 'varchar(64)', (c) => c.notNull())
          .addColumn('first_name', 'varchar(128)', (c) => c.notNull())
          .addColumn('bot_token_enc', 'text', (c) => c.notNull())
          .addColumn('bot_token_key_version', 'integer', (c) => c.notNull())
          .addColumn('bot_token_hash', 'char(64)', (c) => c.notNull())
          .addColumn('status', sql`enum('active','error','revoked')`, (c) => c.notNull().defaultTo('active'))
          .addColumn('updates_mode', sql`enum('webhook','polling','none')`, (c) =>
            c.notNull().defaultTo('polling'),
          )
          .addColumn('updates_offset', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .addColumn('last_seen_at', sql`datetime(3)`),
      { name: 'telegram_bots_user_token', columns: ['user_id', 'bot_token_hash'] },
    );
    await tableIndex(db, 'telegram_bots_telegram_id', 'telegram_bots', ['telegram_bot_id', 'status']);

    await channelsTable(db, 'telegram_channels', {
      parent: { column: 'bot_id', references: 'telegram_bots.id' },
      columns: (t) => t,
      unique: { name: 'telegram_channels_user_bot_chat', columns: ['user_id', 'bot_id', 'chat_id'] },
    });

    await messagesTable(db, 'telegram_messages', {
      columns: (t) =>
        t
          .addColumn('via_type', sql`enum('bot','channel')`, (c) => c.notNull())
          .addColumn('bot_id', 'varchar(36)', (c) => c.notNull()),
      chatId: { type: 'varchar(64)', notNull: true },
      statuses: ['queued', 'sent', 'failed'],
      errorCodeLength: 64,
      errorDetailLength: 512,
    });
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('telegram_messages').execute();
    await db.schema.dropTable('telegram_channels').execute();
    await db.schema.dropTable('telegram_bots').execute();
  },
};
