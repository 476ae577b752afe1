import {
  enqueueOutbox,
  sql,
  type Generated,
  type Insertable,
  type Kysely,
  type OutboxEnvelope,
  type OutboxTable,
  type Selectable,
  type Updateable,
} from '@integrations/persistence';

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed';

/** The columns every connector's messages table has (a connector adds its own: the bot or account sent through). */
export interface LedgerTable {
  id: string;
  user_id: string;
  channel_id: string | null;
  chat_id: string | null;
  /** What to send, kept only until it is sent (async sends and recovery need it). */
  request: string | null;
  /** The request's context (user, request id, trace), for the events that follow an async send. */
  context: string | null;
  status: MessageStatus;
  telegram_message_id: string | null;
  error_code: string | null;
  error_detail: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
  updated_at: Generated<Date>;
}

export type LedgerRow = Selectable<LedgerTable>;
/** A row as accepted: what the insert writes (the timestamps are the database's). */
export type LedgerValues<Row extends LedgerRow> = Omit<Row, 'created_at' | 'updated_at'>;

/** Where the ledger keeps its messages; `MessagesRepository` is the SQL one, tests use an in-memory one. */
export interface MessageStore<Row extends LedgerRow> {
  /** False when the id is taken (nothing written). */
  insert(values: LedgerValues<Row>): Promise<boolean>;
  find(id: string): Promise<Row | undefined>;
  /** `queued` -> `sending`, with `patch`; false when the row was not `queued`. */
  claim(id: string, patch: Partial<Row>): Promise<boolean>;
  /** `sending` -> `queued`. */
  requeue(id: string): Promise<void>;
  /** `failed` -> `queued` with its request again, its error cleared; false when it was not `failed`. */
  requeueFailed(id: string, request: string): Promise<boolean>;
  /** Ids and users of the rows in `statuses`, oldest first. */
  listIn(statuses: MessageStatus[]): Promise<Array<Pick<Row, 'id' | 'user_id'>>>;
  /** The rows being sent (claimed). */
  sending(): Promise<Row[]>;
  /**
   * Writes `patch` (and `updated_at`) and enqueues `event` in the outbox, in one transaction; with
   * `whileSending` only a row still `sending` changes, and false (no event) when it moved on.
   */
  settle(id: string, patch: Partial<Row>, event: OutboxEnvelope, whileSending: boolean): Promise<boolean>;
}

/** The ledger's table under a fixed name for Kysely's types; the real name is the connector's (`table`). */
type LedgerDatabase = OutboxTable & { messages: LedgerTable };

/** The ledger's SQL over one connector's messages table. */
export class MessagesRepository<Row extends LedgerRow> implements MessageStore<Row> {
  private readonly db: Kysely<LedgerDatabase>;
  private readonly table: 'messages';

  /** `db`: the connector's database, whose `table` has the ledger's columns (and the connector's own). */
  constructor(db: Kysely<OutboxTable>, table: string) {
    // The connector's schema types its own table; this repository reads and writes only the shared columns plus
    // what the connector hands it (its own columns), so the table is viewed under the shared shape.
    this.db = db as unknown as Kysely<LedgerDatabase>;
    this.table = table as 'messages';
  }

  async insert(values: LedgerValues<Row>): Promise<boolean> {
    try {
      await this.db
        .insertInto(this.table)
        .values(values as unknown as Insertable<LedgerTable>)
        .execute();
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'ER_DUP_ENTRY') return false;
      throw error;
    }
  }

  async find(id: string): Promise<Row | undefined> {
    const row = await this.db.selectFrom(this.table).selectAll().where('id', '=', id).executeTakeFirst();
    return row as Row | undefined;
  }

  async claim(id: string, patch: Partial<Row>): Promise<boolean> {
    const claimed = await this.db
      .updateTable(this.table)
      .set({ ...(patch as Updateable<LedgerTable>), status: 'sending' })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return claimed.numUpdatedRows > 0n;
  }

  async requeue(id: string): Promise<void> {
    await this.db
      .updateTable(this.table)
      .set({ status: 'queued' })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  async requeueFailed(id: string, request: string): Promise<boolean> {
    const requeued = await this.db
      .updateTable(this.table)
      .set({ status: 'queued', request, error_code: null, error_detail: null })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return requeued.numUpdatedRows > 0n;
  }

  async listIn(statuses: MessageStatus[]): Promise<Array<Pick<Row, 'id' | 'user_id'>>> {
    return this.db
      .selectFrom(this.table)
      .select(['id', 'user_id'])
      .where('status', 'in', statuses)
      .orderBy('created_at')
      .execute();
  }

  async sending(): Promise<Row[]> {
    const rows = await this.db.selectFrom(this.table).selectAll().where('status', '=', 'sending').execute();
    return rows as Row[];
  }

  settle(id: string, patch: Partial<Row>, event: OutboxEnvelope, whileSending: boolean): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      let update = trx
        .updateTable(this.table)
        .set({ ...(patch as Updateable<LedgerTable>), updated_at: sql<Date>`current_timestamp(3)` })
        .where('id', '=', id);
      if (whileSending) update = update.where('status', '=', 'sending');
      const result = await update.executeTakeFirst();
      if (whileSending && result.numUpdatedRows === 0n) return false;
      await enqueueOutbox(trx, event);
      return true;
    });
  }

  /** Deletes every message of a user, queued ones included, with the event made from their number (one transaction). */
  deleteOfUser(userId: string, eventOf: (deleted: number) => OutboxEnvelope): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom(this.table).where('user_id', '=', userId).executeTakeFirst();
      const deleted = Number(result.numDeletedRows);
      await enqueueOutbox(trx, eventOf(deleted));
      return deleted;
    });
  }
}
