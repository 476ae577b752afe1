import { sql, type Kysely, type Migration } from '@integrations/persistence';

const now = sql`current_timestamp(3)`;

/**
 * The seed's telegram_sessions with ARCHITECTURE.md §7's changes: `user_id` is the token's `sub` (no foreign
 * key), the session only encrypted with its key version, a status instead of `is_active`, and one row per
 * (platform user, Telegram user) so connecting the same account again updates it. Outbound messages get their
 * own table: the id is the idempotency key.
 */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('telegram_sessions')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
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
      .addColumn('last_seen_at', sql`datetime(3)`)
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint('telegram_sessions_user_account', ['user_id', 'telegram_user_id'])
      .execute();
    await db.schema
      .createIndex('telegram_sessions_user')
      .on('telegram_sessions')
      .columns(['user_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('telegram_sessions_status')
      .on('telegram_sessions')
      .columns(['status'])
      .execute();

    await db.schema
      .createTable('telegram_account_channels')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('account_id', 'varchar(36)', (c) =>
        c.notNull().references('telegram_sessions.id').onDelete('cascade'),
      )
      .addColumn('chat_id', 'varchar(24)', (c) => c.notNull())
      .addColumn('peer_type', sql`enum('chat','channel')`, (c) => c.notNull())
      .addColumn('peer_id', 'varchar(20)', (c) => c.notNull())
      .addColumn('access_hash', 'varchar(24)', (c) => c.notNull())
      .addColumn('title', 'varchar(255)', (c) => c.notNull())
      .addColumn('type', sql`enum('channel','group')`, (c) => c.notNull())
      .addColumn('username', 'varchar(64)')
      .addColumn('can_post', 'boolean', (c) => c.notNull())
      .addColumn('status', sql`enum('active','write_forbidden','error')`, (c) =>
        c.notNull().defaultTo('active'),
      )
      .addColumn('last_checked_at', sql`datetime(3)`)
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint('telegram_account_channels_chat', ['account_id', 'chat_id'])
      .execute();
    await db.schema
      .createIndex('telegram_account_channels_user')
      .on('telegram_account_channels')
      .columns(['user_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('telegram_account_messages')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('account_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('recipient', 'varchar(64)', (c) => c.notNull())
      .addColumn('channel_id', 'varchar(36)')
      .addColumn('chat_id', 'varchar(24)')
      .addColumn('request', 'text')
      .addColumn('context', 'text')
      .addColumn('status', sql`enum('queued','sending','sent','failed')`, (c) => c.notNull())
      .addColumn('telegram_message_id', 'varchar(20)')
      .addColumn('error_code', 'varchar(40)')
      .addColumn('error_detail', 'varchar(500)')
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addColumn('sent_at', sql`datetime(3)`)
      .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema
      .createIndex('telegram_account_messages_status')
      .on('telegram_account_messages')
      .columns(['status', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('telegram_account_messages').execute();
    await db.schema.dropTable('telegram_account_channels').execute();
    await db.schema.dropTable('telegram_sessions').execute();
  },
};
