import {
  answersById,
  enqueueOutbox,
  GroupCommit,
  inOneTrip,
  StatementCache,
  outboxInsertAfter,
  transactionInOneTrip,
  sql,
  type CompiledQuery,
  type Generated,
  type Insertable,
  type Kysely,
  type OutboxEnvelope,
  type OutboxTable,
  type Selectable,
  type Updateable,
} from '@integrations/persistence';
import type { LifecycleRow } from './lifecycle-store';

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

/**
 * What messages are sent through (a bot, an account): a row of the connector's owned, pausable table, named by a
 * column of each message. `refusedWhen`: values of one of its columns that refuse a send as a pause does (an
 * account whose session is `revoked`).
 */
export interface SenderTable {
  table: string;
  /** The messages' column naming the sender. */
  column: string;
  refusedWhen?: { column: string; values: readonly string[] };
}

/**
 * An accept that checked its sender in the insert's own round trip. `inserted`: the row is written, and `sender` is
 * the sender as read right after (undefined only if it was removed in that instant). `duplicate`: the id was taken (nothing written). Otherwise the sender refused it
 * (missing, another user's, paused, or `refusedWhen`): nothing written, and `sender` (as read, if it exists) tells
 * the connector which refusal to answer.
 */
export type CheckedInsert<Sender> =
  | { outcome: 'inserted'; sender: Sender | undefined }
  | { outcome: 'duplicate' }
  | { outcome: 'refused'; sender: Sender | undefined };

/** Where the ledger keeps its messages; `MessagesRepository` is the SQL one, tests use an in-memory one. */
export interface MessageStore<Row extends LedgerRow, Sender extends LifecycleRow = LifecycleRow> {
  /** False when the id is taken (nothing written). */
  insert(values: LedgerValues<Row>): Promise<boolean>;
  /**
   * Inserts only if the row's sender is the row's user's and may send, and reads the sender, in one round trip
   * (the owner check and the insert used to be two). Needs the store's `SenderTable`.
   */
  insertIfSenderAllows(values: LedgerValues<Row>): Promise<CheckedInsert<Sender>>;
  find(id: string): Promise<Row | undefined>;
  /** `queued` -> `sending`, with `patch` (and `updated_at`: the claim's time); false when it was not `queued`. */
  claim(id: string, patch: Partial<Row>): Promise<boolean>;
  /**
   * The claim, and the sender `senderId` read in the same round trip (a send that waited reads its sender again
   * before it goes out: paused, revoked or removed meanwhile). Needs the store's `SenderTable`.
   */
  claimReadingSender(
    id: string,
    senderId: string,
    patch: Partial<Row>,
  ): Promise<{ claimed: boolean; sender: Sender | undefined }>;
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
   * `whileSending` only a row still `sending` changes, and false (no event) when it moved on. With `leaseMs` the
   * event's row is leased to this writer, to be handed to the relay once committed (`OutboxRelay.handOff`).
   */
  settle(
    id: string,
    patch: Partial<Row>,
    event: OutboxEnvelope,
    whileSending: boolean,
    leaseMs?: number,
  ): Promise<boolean>;
  /**
   * Where the outbox has `eventId` (a settle whose commit went through though its answer was lost): `missing`,
   * `leased` (to its writer, unpublished), `pending` (the relay's to publish) or `published`.
   */
  eventState(eventId: string): Promise<OutboxEventState>;
}

export type OutboxEventState = 'missing' | 'leased' | 'pending' | 'published';

/** The ledger's table (and its senders') under fixed names for Kysely's types; the real names are the connector's. */
type LedgerDatabase = OutboxTable & {
  messages: LedgerTable;
  senders: LifecycleRow & Record<string, unknown>;
};

interface Claim {
  id: string;
  patch: object;
  /** The sender to read in the claim's trip. */
  senderId?: string;
}

interface ClaimAnswer<Sender> {
  claimed: boolean;
  sender: Sender | undefined;
}

interface Settle {
  id: string;
  patch: object;
  event: OutboxEnvelope;
  whileSending: boolean;
  leaseMs?: number;
}

/** A batch's writes in id order (stable: the same id twice keeps its callers' order). */
const byId = <T extends { id: string }>(batch: readonly T[]): T[] =>
  [...batch].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const compare = (a: string | undefined, b: string | undefined) =>
  a === b ? 0 : (a ?? '') < (b ?? '') ? -1 : 1;

const isDuplicate = (error: unknown) => (error as { code?: string }).code === 'ER_DUP_ENTRY';

/**
 * The ledger's SQL over one connector's messages table. Accepts, claims and settles are group-committed: the
 * calls that arrive while the previous write of their kind runs (or in the same I/O phase) go out as one
 * multi-row INSERT or one transaction sent as one query, and each caller still gets its own exact answer (see each
 * batch write). A lone call is written alone, as one statement or transaction, so one send in flight costs what it
 * did; under load the statements, the commits (each an fsync) and the socket writes are shared.
 */
export class MessagesRepository<
  Row extends LedgerRow,
  Sender extends LifecycleRow = LifecycleRow,
> implements MessageStore<Row, Sender> {
  private readonly db: Kysely<LedgerDatabase>;
  private readonly table: 'messages';
  private readonly inserts = new GroupCommit<LedgerValues<Row>, boolean>((batch) => this.insertBatch(batch));
  private readonly checkedInserts = new GroupCommit<LedgerValues<Row>, CheckedInsert<Sender>>((batch) =>
    this.checkedInsertBatch(batch),
  );
  private readonly claims = new GroupCommit<Claim, ClaimAnswer<Sender>>((batch) => this.claimBatch(batch));
  private readonly settles = new GroupCommit<Settle, boolean>((batch) => this.settleBatch(batch));
  /** The send path's statements, compiled once per shape (see `StatementCache`). */
  private readonly statements = new StatementCache();

  /**
   * `db`: the connector's database, whose `table` has the ledger's columns (and the connector's own). `sender`:
   * where the messages' senders are, for the accepts and claims that read their sender in the same trip.
   */
  constructor(
    db: Kysely<OutboxTable>,
    table: string,
    private readonly sender?: SenderTable,
  ) {
    // The connector's schema types its own table; this repository reads and writes only the shared columns plus
    // what the connector hands it (its own columns), so the table is viewed under the shared shape.
    this.db = db as unknown as Kysely<LedgerDatabase>;
    this.table = table as 'messages';
  }

  insert(values: LedgerValues<Row>): Promise<boolean> {
    return this.inserts.add(values);
  }

  insertIfSenderAllows(values: LedgerValues<Row>): Promise<CheckedInsert<Sender>> {
    this.senderTable();
    return this.checkedInserts.add(values);
  }

  async find(id: string): Promise<Row | undefined> {
    const row = await this.db.selectFrom(this.table).selectAll().where('id', '=', id).executeTakeFirst();
    return row as Row | undefined;
  }

  async eventState(eventId: string): Promise<OutboxEventState> {
    const row = await this.db
      .selectFrom('outbox')
      .select([
        sql<number>`published_at is not null`.as('published'),
        sql<number>`coalesce(leased_until > current_timestamp(3), 0)`.as('leased'),
      ])
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    if (!row) return 'missing';
    if (Number(row.published)) return 'published';
    return Number(row.leased) ? 'leased' : 'pending';
  }

  async claim(id: string, patch: Partial<Row>): Promise<boolean> {
    return (await this.claims.add({ id, patch })).claimed;
  }

  claimReadingSender(id: string, senderId: string, patch: Partial<Row>): Promise<ClaimAnswer<Sender>> {
    this.senderTable();
    return this.claims.add({ id, patch, senderId });
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

  settle(
    id: string,
    patch: Partial<Row>,
    event: OutboxEnvelope,
    whileSending: boolean,
    leaseMs?: number,
  ): Promise<boolean> {
    return this.settles.add({
      id,
      patch,
      event,
      whileSending,
      ...(leaseMs === undefined ? {} : { leaseMs }),
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

  /**
   * One multi-row INSERT. A taken id fails the whole statement (nothing of it is written), which is rare (a
   * retried command), so the batch is then inserted row by row, in order, for each caller to learn whether its
   * own row was inserted or found.
   */
  private async insertBatch(batch: Array<LedgerValues<Row>>): Promise<boolean[]> {
    if (batch.length > 1) {
      try {
        await this.db.executeQuery(this.insertStatement(batch));
        return batch.map(() => true);
      } catch (error) {
        if (!isDuplicate(error)) throw error;
      }
    }
    const inserted: boolean[] = [];
    for (const values of batch) inserted.push(await this.insertOne(values));
    return inserted;
  }

  private async insertOne(values: LedgerValues<Row>): Promise<boolean> {
    try {
      await this.db.executeQuery(this.insertStatement([values]));
      return true;
    } catch (error) {
      if (isDuplicate(error)) return false;
      throw error;
    }
  }

  /**
   * Each row's INSERT takes its values from a SELECT of its sender that finds the sender only when it is the row's
   * user's and may send, so a refused row is not written (0 rows) and nothing is read in between; the senders follow
   * in the same trip. A lone one is autocommitted, as `insert` is. A batch is one transaction, so that a taken id,
   * which fails its statement and stops the trip, rolls back the whole batch; it is then accepted row by row, and
   * each caller still learns exactly what became of its own row.
   *
   * The check's SELECT is a locking read (InnoDB's rule for INSERT … SELECT), so a pause committed meanwhile waits
   * for the insert rather than slipping between the check and the write.
   */
  private async checkedInsertBatch(batch: Array<LedgerValues<Row>>): Promise<Array<CheckedInsert<Sender>>> {
    const { column } = this.senderTable();
    const senderIds = batch.map((values) => String((values as Record<string, unknown>)[column]));
    // In sender order (then id order), so that two batches take their senders' shared locks in the same order.
    const order = batch
      .map((_, i) => i)
      .sort((a, b) => compare(senderIds[a], senderIds[b]) || compare(batch[a]?.id, batch[b]?.id));
    const statements = [
      ...order.map((i) => this.checkedInsertStatement(batch[i] as LedgerValues<Row>)),
      this.sendersStatement(senderIds),
    ];
    let results;
    try {
      results = await inOneTrip(this.db, statements, { transaction: batch.length > 1 });
    } catch (error) {
      if (!isDuplicate(error)) throw error;
      if (batch.length === 1) return [{ outcome: 'duplicate' }];
      const alone: Array<CheckedInsert<Sender>> = [];
      for (const values of batch) alone.push(...(await this.checkedInsertBatch([values])));
      return alone;
    }
    const senders = results[batch.length]?.rows as Sender[];
    const affected = new Map(order.map((i, position) => [i, results[position]?.affected ?? 0n]));
    return batch.map((_, i) => {
      const sender = answersById([senderIds[i] as string], senders)[0];
      if ((affected.get(i) ?? 0n) > 0n) return { outcome: 'inserted', sender };
      return { outcome: 'refused', sender };
    });
  }

  private insertStatement(rows: Array<LedgerValues<Row>>): CompiledQuery {
    return this.statements.compile('insert', rows, (values) =>
      this.db.insertInto(this.table).values(values as unknown as Array<Insertable<LedgerTable>>),
    );
  }

  private checkedInsertStatement(values: LedgerValues<Row>): CompiledQuery {
    const { table, column, refusedWhen } = this.senderTable();
    const check = { senderId: String((values as Record<string, unknown>)[column]), userId: values.user_id };
    return this.statements.compile('checked-insert', { values, check }, (v) => {
      const entries = Object.entries(v.values as Record<string, unknown>);
      let allowed = this.db
        .selectFrom(table as 'senders')
        .select(entries.map(([name, value]) => sql`${value}`.as(name)))
        .where('id', '=', v.check.senderId)
        // Exactly the owner: the columns' collation ignores case and accents, the owner check in code never did.
        .where(sql`binary ${sql.ref('id')}`, '=', v.check.senderId)
        .where(sql`binary ${sql.ref('user_id')}`, '=', v.check.userId)
        .where('is_active', '=', 1);
      if (refusedWhen) allowed = allowed.where(refusedWhen.column as 'id', 'not in', [...refusedWhen.values]);
      return this.db
        .insertInto(this.table)
        .columns(entries.map(([name]) => name) as Array<keyof LedgerTable>)
        .expression(allowed);
    });
  }

  private sendersStatement(ids: string[]): CompiledQuery {
    return this.statements.compile('senders', [...new Set(ids)], (distinct) =>
      this.db
        .selectFrom(this.senderTable().table as 'senders')
        .selectAll()
        .where('id', 'in', distinct),
    );
  }

  private senderTable(): SenderTable {
    if (!this.sender) throw new Error(`the ${this.table} repository was made without its sender table`);
    return this.sender;
  }

  /**
   * A lone claim is one UPDATE. A batch is one transaction sent as one query: an UPDATE per row (in id order, so two
   * batches lock in the same order), each changing its row only while it is `queued`, so each caller learns from its
   * own statement whether it claimed its row (one claimed by another replica, or the same id asked twice in the
   * batch, changes nothing the second time). One round trip and one commit instead of `BEGIN`, the UPDATE and
   * `COMMIT`, and no second pass row by row when another replica was first.
   */
  private async claimBatch(batch: Claim[]): Promise<Array<ClaimAnswer<Sender>>> {
    const senderIds = batch.flatMap((claim) => (claim.senderId === undefined ? [] : [claim.senderId]));
    if (batch.length === 1 && senderIds.length === 0) {
      const [claim] = batch as [Claim];
      const result = await this.db.executeQuery(this.claimStatement(claim));
      return [{ claimed: (result.numAffectedRows ?? 0n) > 0n, sender: undefined }];
    }
    const inIdOrder = byId(batch);
    const statements = inIdOrder.map((claim) => this.claimStatement(claim));
    // The senders are read after the claims, in the same trip (and transaction, for a batch).
    if (senderIds.length > 0) statements.push(this.sendersStatement(senderIds));
    const results = await inOneTrip(this.db, statements, { transaction: batch.length > 1 });
    const senders = (senderIds.length > 0 ? results[batch.length]?.rows : []) as Sender[];
    const answers = new Map(
      inIdOrder.map((claim, i) => [
        claim,
        {
          claimed: (results[i]?.affected ?? 0n) > 0n,
          sender: claim.senderId === undefined ? undefined : answersById([claim.senderId], senders)[0],
        },
      ]),
    );
    return batch.map((claim) => answers.get(claim) as ClaimAnswer<Sender>);
  }

  private claimStatement(claim: Claim): CompiledQuery {
    return this.statements.compile('claim', { id: claim.id, patch: claim.patch }, (v) =>
      this.db
        .updateTable(this.table)
        .set({
          ...(v.patch as Updateable<LedgerTable>),
          status: 'sending',
          updated_at: sql<Date>`current_timestamp(3)`,
        })
        .where('id', '=', v.id)
        .where('status', '=', 'queued'),
    );
  }

  /**
   * The settles of a batch in one transaction, sent as one query: each row's UPDATE (in id order, so two batches
   * lock in the same order) followed by the INSERT of its event into the outbox, which with `whileSending` happens
   * only if the UPDATE changed the row (`row_count()`). A row that moved on is not changed and gets no event (false),
   * exactly as alone. One round trip instead of `BEGIN`, an UPDATE per row, the INSERT and `COMMIT`.
   */
  private async settleBatch(batch: Settle[]): Promise<boolean[]> {
    const inIdOrder = byId(batch);
    const statements = inIdOrder.flatMap((settle) => {
      const { id, patch, whileSending } = settle;
      const update = this.statements.compile(`settle:${whileSending}`, { id, patch }, (v) => {
        const changed = this.db
          .updateTable(this.table)
          .set({ ...(v.patch as Updateable<LedgerTable>), updated_at: sql<Date>`current_timestamp(3)` })
          .where('id', '=', v.id);
        return whileSending ? changed.where('status', '=', 'sending') : changed;
      });
      return [update, outboxInsertAfter(this.db, settle.event, whileSending, settle.leaseMs)];
    });
    const affected = await transactionInOneTrip(this.db, statements);
    const moved = new Map(inIdOrder.map((settle, i) => [settle, (affected[2 * i + 1] ?? 0n) > 0n]));
    return batch.map((settle) => moved.get(settle) as boolean);
  }
}
