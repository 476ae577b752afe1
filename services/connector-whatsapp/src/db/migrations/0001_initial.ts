import { sql, type Kysely, type Migration } from '@integrations/persistence';

const now = sql`current_timestamp(3)`;

/**
 * Numbers (token and app secret only encrypted), the messages ledger (connector-kit's columns plus Meta's
 * message id and delivery state), and the status webhooks received (deduplicated per message and status).
 */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('whatsapp_numbers')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('phone_number_id', 'varchar(20)', (c) => c.notNull())
      .addColumn('display_phone_number', 'varchar(32)', (c) => c.notNull())
      .addColumn('verified_name', 'varchar(256)', (c) => c.notNull())
      .addColumn('quality_rating', sql`enum('GREEN','YELLOW','RED','UNKNOWN')`, (c) =>
        c.notNull().defaultTo('UNKNOWN'),
      )
      .addColumn('access_token_enc', 'text', (c) => c.notNull())
      .addColumn('access_token_key_version', 'integer', (c) => c.notNull())
      .addColumn('app_secret_enc', 'text', (c) => c.notNull())
      .addColumn('app_secret_key_version', 'integer', (c) => c.notNull())
      .addColumn('status', sql`enum('active','revoked')`, (c) => c.notNull().defaultTo('active'))
      .addColumn('is_active', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('label', 'varchar(100)')
      .addColumn('webhook_url', 'varchar(2048)')
      .addColumn('last_error', 'text')
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint('whatsapp_numbers_user_phone', ['user_id', 'phone_number_id'])
      .execute();
    await db.schema
      .createIndex('whatsapp_numbers_user')
      .on('whatsapp_numbers')
      .columns(['user_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('whatsapp_numbers_phone')
      .on('whatsapp_numbers')
      .columns(['phone_number_id', 'status'])
      .execute();

    await db.schema
      .createTable('whatsapp_messages')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('number_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('channel_id', 'varchar(36)')
      .addColumn('chat_id', 'varchar(20)', (c) => c.notNull())
      .addColumn('type', sql`enum('text','template')`, (c) => c.notNull())
      .addColumn('request', 'text')
      .addColumn('context', 'text')
      .addColumn('status', sql`enum('queued','sending','sent','failed')`, (c) => c.notNull())
      .addColumn('telegram_message_id', 'varchar(20)')
      .addColumn('wamid', 'varchar(255)')
      .addColumn('delivery', sql`enum('accepted','sent','delivered','read','failed')`)
      .addColumn('error_code', 'varchar(64)')
      .addColumn('error_detail', 'varchar(512)')
      .addColumn('meta_error_code', 'integer')
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addColumn('sent_at', sql`datetime(3)`)
      .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addUniqueConstraint('whatsapp_messages_wamid', ['wamid'])
      .execute();
    await db.schema
      .createIndex('whatsapp_messages_status')
      .on('whatsapp_messages')
      .columns(['status', 'created_at'])
      .execute();
    await db.schema
      .createIndex('whatsapp_messages_user')
      .on('whatsapp_messages')
      .columns(['user_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('whatsapp_message_statuses')
      .addColumn('wamid', 'varchar(255)', (c) => c.notNull())
      .addColumn('status', sql`enum('sent','delivered','read','failed')`, (c) => c.notNull())
      .addColumn('at', sql`datetime(3)`, (c) => c.notNull())
      .addColumn('meta_error_code', 'integer')
      .addColumn('error_title', 'varchar(512)')
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('whatsapp_message_statuses_pk', ['wamid', 'status'])
      .execute();
    await db.schema
      .createIndex('whatsapp_message_statuses_created')
      .on('whatsapp_message_statuses')
      .columns(['created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('whatsapp_message_statuses').execute();
    await db.schema.dropTable('whatsapp_messages').execute();
    await db.schema.dropTable('whatsapp_numbers').execute();
  },
};
