import { channelsTable, messagesTable, ownedTable, tableIndex } from '@integrations/connector-kit';
import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * The seed's telegram_sessions with ARCHITECTURE.md §7's changes: `user_id` is the token's `sub` (no foreign
 * key), the session only encrypted with its key version, a status instead of `is_active`, and one row per
 * (platform user, Telegram user) so connecting the same account again updates it. Outbound messages get their
 * own table: the id is the idempotency key.
 */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await ownedTable(
      db,
      'telegram_sessions',
      (t) =>
        t
          .addColumn('telegram_user_id', 'varchar(20)', (c) => c.notNull())
          .addColumn('phone_masked', 'varchar(32)')
          .addColumn('username', 'varchar(64)')
          .addColumn('first_name', 'varchar(128)')
          .addColumn('session_enc', 'text', (c) => c.notNull())
          .addColumn('session_key_version', 'integer', (c) => c.notNull())
          .addColumn('status', sql`enum('connecting','active','error','revoked')`, (c) =>
            c.notNull().defaultTo('active'),
          )
          .addColumn('last_error', 'text')
          .addColumn('last_seen_at', sql`datetime(3)`),
      { name: 'telegram_sessions_user_account', columns: ['user_id', 'telegram_user_id'] },
    );
    await tableIndex(db, 'telegram_sessions_status', 'telegram_sessions', ['status']);

    await channelsTable(db, 'telegram_account_channels', {
      parent: { column: 'account_id', references: 'telegram_sessions.id' },
      columns: (t) =>
        t
          .addColumn('peer_type', sql`enum('chat','channel')`, (c) => c.notNull())
          .addColumn('peer_id', 'varchar(20)', (c) => c.notNull())
          .addColumn('access_hash', 'varchar(24)', (c) => c.notNull()),
      unique: { name: 'telegram_account_channels_chat', columns: ['account_id', 'chat_id'] },
    });

    await messagesTable(db, 'telegram_account_messages', {
      columns: (t) =>
        t
          .addColumn('account_id', 'varchar(36)', (c) => c.notNull())
          .addColumn('recipient', 'varchar(64)', (c) => c.notNull()),
      chatId: { type: 'varchar(24)', notNull: false },
      statuses: ['queued', 'sending', 'sent', 'failed'],
      errorCodeLength: 40,
      errorDetailLength: 500,
    });
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('telegram_account_messages').execute();
    await db.schema.dropTable('telegram_account_channels').execute();
    await db.schema.dropTable('telegram_sessions').execute();
  },
};
