import { MessagesRepository, type LedgerValues } from '@integrations/connector-kit';
import {
  enqueueOutbox,
  sql,
  type Kysely,
  type OutboxEnvelope,
  type Selectable,
  type Transaction,
} from '@integrations/persistence';
import type { MessageTable, StatusTable, WhatsAppDatabase } from '../db/schema';
import type { NumberRow } from '../numbers/numbers.repository';

export type MessageRow = Selectable<MessageTable>;
export type StatusRow = Omit<Selectable<StatusTable>, 'created_at'>;

/** What a settle writes: the row's new columns and the events that announce them (one transaction). */
export interface SettlePlan {
  patch: Partial<MessageRow>;
  events: OutboxEnvelope[];
}

/** Where sends and status webhooks are kept: the SQL one below, an in-memory one in unit tests. */
export interface WhatsAppMessageStore {
  /** False when the id is taken (nothing written). */
  insert(values: LedgerValues<MessageRow>): Promise<boolean>;
  find(id: string): Promise<MessageRow | undefined>;
  /**
   * `queued` -> `sending` (`claimed` false when the row was not `queued`: another replica has it), and the number
   * `numberId` read in the same round trip, as it is when the send's turn comes.
   */
  claim(id: string, numberId: string): Promise<{ claimed: boolean; number: NumberRow | undefined }>;
  /** Ids of the rows still to send (oldest first). */
  queued(): Promise<Array<Pick<MessageRow, 'id'>>>;
  /** Rows claimed (`sending`) before `before`: their replica stopped inside the call to Meta. */
  staleSending(before: Date): Promise<MessageRow[]>;
  /** A failed send, with its event, only while still `sending`; false when it moved on. */
  settleFailed(id: string, patch: Partial<MessageRow>, event: OutboxEnvelope): Promise<boolean>;
  /**
   * Meta accepted the send: the status webhooks already received for `wamid` (they may overtake Meta's answer)
   * are handed to `plan` with the row, and what it answers is written with its events, in one transaction.
   */
  settleAccepted(
    id: string,
    wamid: string,
    plan: (row: MessageRow, early: StatusRow[]) => SettlePlan,
  ): Promise<MessageRow>;
  /**
   * A status webhook: kept once per message and status (`duplicate` when Meta redelivered it); when its message
   * is known, `plan` decides what changes (nothing: undefined) and it is written with its events.
   */
  recordStatus(
    status: StatusRow,
    plan: (row: MessageRow) => SettlePlan | undefined,
  ): Promise<{ duplicate: boolean; row?: MessageRow }>;
  /** Enqueues the events not enqueued before (by event id): Meta redelivers webhooks. */
  announceOnce(events: OutboxEnvelope[]): Promise<number>;
}

/**
 * The SQL of WhatsApp sends: the ledger's statements (connector-kit's `MessagesRepository` over
 * `whatsapp_messages`) and those of Meta's ids and status webhooks.
 *
 * A status webhook can arrive before the transaction that stores Meta's answer commits. Both sides take their
 * locks in the same order, the statuses of the wamid first (a locking read, which also locks the gap where a new
 * status would go) and the message second, so whichever commits second sees the other: no status is lost and
 * neither waits on the other in a cycle.
 */
export class WhatsAppMessagesRepository implements WhatsAppMessageStore {
  private readonly ledger: MessagesRepository<MessageRow, NumberRow>;

  constructor(private readonly db: Kysely<WhatsAppDatabase>) {
    this.ledger = new MessagesRepository<MessageRow, NumberRow>(db, 'whatsapp_messages', {
      table: 'whatsapp_numbers',
      column: 'number_id',
    });
  }

  insert(values: LedgerValues<MessageRow>): Promise<boolean> {
    return this.ledger.insert(values);
  }

  find(id: string): Promise<MessageRow | undefined> {
    return this.ledger.find(id);
  }

  async claim(id: string, numberId: string): Promise<{ claimed: boolean; number: NumberRow | undefined }> {
    // The ledger stamps the claim's time: a row still `sending` long after it was claimed has lost its replica.
    const { claimed, sender } = await this.ledger.claimReadingSender(id, numberId, {});
    return { claimed, number: sender };
  }

  async staleSending(before: Date): Promise<MessageRow[]> {
    return this.db
      .selectFrom('whatsapp_messages')
      .selectAll()
      .where('status', '=', 'sending')
      .where('updated_at', '<', before)
      .orderBy('created_at')
      .limit(500)
      .execute();
  }

  queued(): Promise<Array<Pick<MessageRow, 'id'>>> {
    return this.ledger.listIn(['queued']);
  }

  settleFailed(id: string, patch: Partial<MessageRow>, event: OutboxEnvelope): Promise<boolean> {
    return this.ledger.settle(id, patch, event, true);
  }

  settleAccepted(
    id: string,
    wamid: string,
    plan: (row: MessageRow, early: StatusRow[]) => SettlePlan,
  ): Promise<MessageRow> {
    return retryOnDeadlock(() =>
      this.db.transaction().execute(async (trx) => {
        const early = await this.statusesOf(trx, wamid);
        const row = await trx
          .selectFrom('whatsapp_messages')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        return this.write(trx, row, plan(row, early));
      }),
    );
  }

  recordStatus(
    status: StatusRow,
    plan: (row: MessageRow) => SettlePlan | undefined,
  ): Promise<{ duplicate: boolean; row?: MessageRow }> {
    return retryOnDeadlock(() =>
      this.db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('whatsapp_message_statuses')
          .ignore()
          .values(status)
          .executeTakeFirst();
        if (inserted.numInsertedOrUpdatedRows === 0n) return { duplicate: true };
        const row = await trx
          .selectFrom('whatsapp_messages')
          .selectAll()
          .where('wamid', '=', status.wamid)
          .forUpdate()
          .executeTakeFirst();
        const decided = row && plan(row);
        if (!row || !decided) return { duplicate: false, ...(row ? { row } : {}) };
        return { duplicate: false, row: await this.write(trx, row, decided) };
      }),
    );
  }

  announceOnce(events: OutboxEnvelope[]): Promise<number> {
    if (events.length === 0) return Promise.resolve(0);
    return this.db.transaction().execute(async (trx) => {
      const seen = await trx
        .selectFrom('outbox')
        .select('event_id')
        .where(
          'event_id',
          'in',
          events.map((e) => e.id),
        )
        .execute();
      const known = new Set(seen.map((s) => s.event_id));
      const fresh = events.filter((e) => !known.has(e.id));
      for (const event of fresh) await enqueueOutbox(trx, event);
      return fresh.length;
    });
  }

  private statusesOf(trx: Transaction<WhatsAppDatabase>, wamid: string): Promise<StatusRow[]> {
    return trx
      .selectFrom('whatsapp_message_statuses')
      .select(['wamid', 'status', 'at', 'meta_error_code', 'error_title'])
      .where('wamid', '=', wamid)
      .orderBy('at')
      .forUpdate()
      .execute();
  }

  private async write(
    trx: Transaction<WhatsAppDatabase>,
    row: MessageRow,
    plan: SettlePlan,
  ): Promise<MessageRow> {
    await trx
      .updateTable('whatsapp_messages')
      .set({ ...plan.patch, updated_at: sql<Date>`current_timestamp(3)` })
      .where('id', '=', row.id)
      .execute();
    for (const event of plan.events) await enqueueOutbox(trx, event);
    return { ...row, ...plan.patch, updated_at: new Date() };
  }
}

/**
 * Runs a transaction again when InnoDB chose it as a deadlock's victim (rolled back whole, so running it again is
 * safe): the lock order above avoids cycles, this keeps an accepted message from being failed if one happens.
 */
async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if ((error as { code?: string }).code !== 'ER_LOCK_DEADLOCK' || attempt >= attempts) throw error;
    }
  }
}
