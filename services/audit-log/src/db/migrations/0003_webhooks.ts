import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * Outgoing webhook subscriptions, one delivery per (subscription, event), and every attempt of it. The signing
 * secret is stored only encrypted (it must be recoverable to sign, so a hash will not do). A delivery is
 * claimed by a replica for a short lease rather than locked in a transaction, so a slow receiver holds no
 * database lock and a replica that dies mid-attempt gives the delivery back when the lease ends.
 */
export const webhooks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'char(36)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('url', 'varchar(2048)', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('secret_enc', 'text', (c) => c.notNull())
      .addColumn('secret_key_version', 'integer', (c) => c.notNull())
      .addColumn('status', sql`enum('active','disabled')`, (c) => c.notNull().defaultTo('active'))
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`current_timestamp(3)`))
      .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`current_timestamp(3)`))
      .execute();
    await db.schema.createIndex('webhooks_user').on('webhooks').columns(['user_id', 'status']).execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'char(36)', (c) => c.primaryKey())
      .addColumn('webhook_id', 'char(36)', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('event_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('event_type', 'varchar(128)', (c) => c.notNull())
      .addColumn('payload', sql`mediumtext`, (c) => c.notNull())
      .addColumn('status', sql`enum('pending','delivered','failed')`, (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', sql`datetime(3)`)
      .addColumn('claimed_by', 'char(36)')
      .addColumn('claimed_until', sql`datetime(3)`)
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`current_timestamp(3)`))
      .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`current_timestamp(3)`))
      .addUniqueConstraint('webhook_deliveries_event', ['webhook_id', 'event_id'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
      .addColumn('delivery_id', 'char(36)', (c) =>
        c.notNull().references('webhook_deliveries.id').onDelete('cascade'),
      )
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('started_at', sql`datetime(3)`, (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'varchar(500)')
      .execute();
    await db.schema
      .createIndex('webhook_attempts_delivery')
      .on('webhook_attempts')
      .columns(['delivery_id', 'attempt'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('webhook_attempts').execute();
    await db.schema.dropTable('webhook_deliveries').execute();
    await db.schema.dropTable('webhooks').execute();
  },
};
