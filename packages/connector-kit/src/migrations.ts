import { sql, type CreateTableBuilder, type Kysely, type Migration } from '@integrations/persistence';

/** A table being created (Kysely's builder), for a connector to add its own columns to. */
export type TableBuilder = CreateTableBuilder<string, string>;

const now = sql`current_timestamp(3)`;

const enumOf = (values: readonly string[]) => sql`enum(${sql.join(values.map((value) => sql.lit(value)))})`;

/**
 * A table of rows owned by a platform user: `id` and `user_id` first, the connector's columns (`columns`), then
 * `created_at` and `updated_at`; its unique key, and the index of a user's list, newest first
 * (`<table>_user` on `(user_id, created_at)`).
 */
export async function ownedTable(
  db: Kysely<unknown>,
  table: string,
  columns: (builder: TableBuilder) => TableBuilder,
  unique: { name: string; columns: string[] },
): Promise<void> {
  const owned = db.schema
    .createTable(table)
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull());
  await columns(owned)
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint(unique.name, unique.columns)
    .execute();
  await tableIndex(db, `${table}_user`, table, ['user_id', 'created_at']);
}

export async function tableIndex(
  db: Kysely<unknown>,
  name: string,
  table: string,
  columns: string[],
): Promise<void> {
  await db.schema.createIndex(name).on(table).columns(columns).execute();
}

/**
 * A connector's table of attached chats: owned rows hanging off their `parent` (a bot, an account; deleted with
 * it), the chat's id, the connector's columns (`columns`), then what every channel has (`ChannelColumns`).
 */
export async function channelsTable(
  db: Kysely<unknown>,
  table: string,
  shape: {
    parent: { column: string; references: string };
    columns: (builder: TableBuilder) => TableBuilder;
    unique: { name: string; columns: string[] };
  },
): Promise<void> {
  const { parent } = shape;
  await ownedTable(
    db,
    table,
    (t) =>
      shape
        .columns(
          t
            .addColumn(parent.column, 'varchar(36)', (c) =>
              c.notNull().references(parent.references).onDelete('cascade'),
            )
            .addColumn('chat_id', 'varchar(24)', (c) => c.notNull()),
        )
        .addColumn('title', 'varchar(255)', (c) => c.notNull())
        .addColumn('type', enumOf(['channel', 'group']), (c) => c.notNull())
        .addColumn('username', 'varchar(64)')
        .addColumn('can_post', 'boolean', (c) => c.notNull())
        .addColumn('status', enumOf(['active', 'write_forbidden', 'error']), (c) =>
          c.notNull().defaultTo('active'),
        )
        .addColumn('last_checked_at', sql`datetime(3)`),
    shape.unique,
  );
}

/** What differs between the connectors' messages tables (their shapes predate the kit and stay as they are). */
export interface MessagesTableShape {
  /** The connector's columns, after `user_id` (how the message went: a bot, an account, a recipient). */
  columns: (builder: TableBuilder) => TableBuilder;
  /** `chat_id`'s type, and whether a row has one from the start. */
  chatId: { type: 'varchar(24)' | 'varchar(64)'; notNull: boolean };
  statuses: readonly string[];
  errorCodeLength: number;
  errorDetailLength: number;
}

/** A connector's outbound messages table, the ledger's columns (`LedgerTable`) around the connector's own. */
export async function messagesTable(
  db: Kysely<unknown>,
  table: string,
  shape: MessagesTableShape,
): Promise<void> {
  const base = db.schema
    .createTable(table)
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull());
  await shape
    .columns(base)
    .addColumn('channel_id', 'varchar(36)')
    .addColumn('chat_id', shape.chatId.type, (c) => (shape.chatId.notNull ? c.notNull() : c))
    .addColumn('request', 'text')
    .addColumn('context', 'text')
    .addColumn('status', enumOf(shape.statuses), (c) => c.notNull())
    .addColumn('telegram_message_id', 'varchar(20)')
    .addColumn('error_code', `varchar(${shape.errorCodeLength})`)
    .addColumn('error_detail', `varchar(${shape.errorDetailLength})`)
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .addColumn('sent_at', sql`datetime(3)`)
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .execute();
  await tableIndex(db, `${table}_status`, table, ['status', 'created_at']);
}

/**
 * The migration that makes rows pausable and nameable (`is_active`, `label`), for the tables given. Existing rows
 * are active and unnamed.
 */
export function lifecycleMigration(tables: readonly string[]): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const table of tables)
        await sql`alter table ${sql.table(table)}
        add column is_active boolean not null default true,
        add column label varchar(100) null`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      for (const table of tables)
        await sql`alter table ${sql.table(table)} drop column is_active, drop column label`.execute(db);
    },
  };
}
