import {
  enqueueOutbox,
  GroupCommit,
  outboxInsertAfter,
  transactionInOneTrip,
  sql,
  type Generated,
  type Insertable,
  type Kysely,
  type OutboxEnvelope,
  type OutboxTable,
  type Selectable,
  type Transaction,
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
  /** `queued` -> `sending`, with `patch` (and `updated_at`: the claim's time); false when it was not `queued`. */
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

interface Claim {
  id: string;
  patch: object;
}

interface Settle {
  id: string;
  patch: object;
  event: OutboxEnvelope;
  whileSending: boolean;
}

/** Thrown inside a claim transaction to roll it back: fewer rows were `queued` than were asked for. */
class ShortClaim extends Error {}

const isDuplicate = (error: unknown) => (error as { code?: string }).code === 'ER_DUP_ENTRY';

/**
 * The ledger's SQL over one connector's messages table. Accepts, claims and settles are group-committed: the
 * calls that arrive while the previous write of their kind runs (or in the same I/O phase) go out as one
 * multi-row INSERT, one UPDATE, or one transaction, and each caller still gets its own exact answer (see each
 * batch write). A lone call is written alone, as one statement or transaction, so one send in flight costs what it
 * did; under load the statements, the commits (each an fsync) and the socket writes are shared.
 */
export class MessagesRepository<Row extends LedgerRow> implements MessageStore<Row> {
  private readonly db: Kysely<LedgerDatabase>;
  private readonly table: 'messages';
  private readonly inserts = new GroupCommit<LedgerValues<Row>, boolean>((batch) => this.insertBatch(batch));
  private readonly claims = new GroupCommit<Claim, boolean>((batch) => this.claimBatch(batch));
  private readonly settles = new GroupCommit<Settle, boolean>((batch) => this.settleBatch(batch));

  /** `db`: the connector's database, whose `table` has the ledger's columns (and the connector's own). */
  constructor(db: Kysely<OutboxTable>, table: string) {
    // The connector's schema types its own table; this repository reads and writes only the shared columns plus
    // what the connector hands it (its own columns), so the table is viewed under the shared shape.
    this.db = db as unknown as Kysely<LedgerDatabase>;
    this.table = table as 'messages';
  }

  insert(values: LedgerValues<Row>): Promise<boolean> {
    return this.inserts.add(values);
  }

  async find(id: string): Promise<Row | undefined> {
    const row = await this.db.selectFrom(this.table).selectAll().where('id', '=', id).executeTakeFirst();
    return row as Row | undefined;
  }

  claim(id: string, patch: Partial<Row>): Promise<boolean> {
    return this.claims.add({ id, patch });
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
    return this.settles.add({ id, patch, event, whileSending });
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
        await this.db
          .insertInto(this.table)
          .values(batch as unknown as Array<Insertable<LedgerTable>>)
          .execute();
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
      await this.db
        .insertInto(this.table)
        .values(values as unknown as Insertable<LedgerTable>)
        .execute();
      return true;
    } catch (error) {
      if (isDuplicate(error)) return false;
      throw error;
    }
  }

  /** The claims of a batch, one UPDATE per distinct patch (in practice one: a replica claims with its own id). */
  private async claimBatch(batch: Claim[]): Promise<boolean[]> {
    const byPatch = new Map<string, number[]>();
    batch.forEach((claim, i) => {
      const key = JSON.stringify(claim.patch);
      const indexes = byPatch.get(key) ?? [];
      indexes.push(i);
      byPatch.set(key, indexes);
    });
    const claimed: boolean[] = [];
    for (const indexes of byPatch.values()) {
      const claims = indexes.map((i) => batch[i] as Claim);
      const answers = await this.claimGroup(claims);
      indexes.forEach((i, k) => (claimed[i] = answers[k] as boolean));
    }
    return claimed;
  }

  /**
   * One `UPDATE … WHERE id IN (…) AND status = 'queued'` in a transaction. When it changed every row asked for,
   * each caller claimed its own; when fewer (another replica claimed one, or the same id was asked twice) it is
   * rolled back and the claims are made row by row, so each caller learns its own answer.
   */
  private async claimGroup(claims: Claim[]): Promise<boolean[]> {
    if (claims.length > 1) {
      try {
        await this.db.transaction().execute(async (trx) => {
          const result = await this.claimWhere(
            trx,
            claims.map((claim) => claim.id),
            claims[0]?.patch ?? {},
          );
          if (result !== BigInt(claims.length)) throw new ShortClaim();
        });
        return claims.map(() => true);
      } catch (error) {
        if (!(error instanceof ShortClaim)) throw error;
      }
    }
    const claimed: boolean[] = [];
    for (const claim of claims) claimed.push((await this.claimWhere(this.db, [claim.id], claim.patch)) > 0n);
    return claimed;
  }

  private async claimWhere(
    db: Kysely<LedgerDatabase> | Transaction<LedgerDatabase>,
    ids: string[],
    patch: object,
  ): Promise<bigint> {
    const result = await db
      .updateTable(this.table)
      .set({
        ...(patch as Updateable<LedgerTable>),
        status: 'sending',
        updated_at: sql<Date>`current_timestamp(3)`,
      })
      .where('id', 'in', ids)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return result.numUpdatedRows;
  }

  /**
   * The settles of a batch in one transaction, sent as one query: each row's UPDATE (in id order, so two batches
   * lock in the same order) followed by the INSERT of its event into the outbox, which with `whileSending` happens
   * only if the UPDATE changed the row (`row_count()`). A row that moved on is not changed and gets no event (false),
   * exactly as alone. One round trip instead of `BEGIN`, an UPDATE per row, the INSERT and `COMMIT`.
   */
  private async settleBatch(batch: Settle[]): Promise<boolean[]> {
    const inIdOrder = [...batch].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const statements = inIdOrder.flatMap((settle) => {
      let update = this.db
        .updateTable(this.table)
        .set({ ...(settle.patch as Updateable<LedgerTable>), updated_at: sql<Date>`current_timestamp(3)` })
        .where('id', '=', settle.id);
      if (settle.whileSending) update = update.where('status', '=', 'sending');
      return [update.compile(), outboxInsertAfter(this.db, settle.event, settle.whileSending)];
    });
    const affected = await transactionInOneTrip(this.db, statements);
    const moved = new Map(inIdOrder.map((settle, i) => [settle, (affected[2 * i + 1] ?? 0n) > 0n]));
    return batch.map((settle) => moved.get(settle) as boolean);
  }
}
