import type { WhatsAppNumber, WhatsAppNumberListCommand } from '@integrations/contracts';
import { writeLifecycle, type LifecyclePatch, type LifecycleVerb } from '@integrations/connector-kit';
import {
  enqueueOutbox,
  listPage,
  sql,
  type Kysely,
  type ListCaller,
  type OutboxEnvelope,
  type Selectable,
} from '@integrations/persistence';
import type { NumberTable, WhatsAppDatabase } from '../db/schema';

export type NumberRow = Selectable<NumberTable>;

/** Where numbers are kept: `NumbersRepository` is the SQL one, unit tests use an in-memory one. */
export interface NumberStore {
  find(id: string): Promise<NumberRow | undefined>;
  findByPhone(userId: string, phoneNumberId: string): Promise<NumberRow | undefined>;
  /** The connected rows of one Meta number (several users may connect it), not revoked. */
  owners(phoneNumberId: string): Promise<NumberRow[]>;
  ownedBy(userId: string): Promise<NumberRow[]>;
  list(
    caller: ListCaller,
    data: WhatsAppNumberListCommand,
  ): Promise<{ items: WhatsAppNumber[]; nextCursor: string | null }>;
  /** False when the user already connected this number (nothing written). */
  insert(row: NumberRow, event: OutboxEnvelope): Promise<boolean>;
  lifecycle(
    row: NumberRow,
    patch: LifecyclePatch,
    makeEnvelope: (type: string, data: Record<string, unknown>) => OutboxEnvelope,
  ): Promise<NumberRow>;
  remove(id: string, event: OutboxEnvelope): Promise<void>;
  markRevoked(id: string, detail: string): Promise<void>;
  /** Deletes a user's messages and enqueues the purge's event; answers how many went. */
  purgeMessages(userId: string, event: (messages: number) => OutboxEnvelope): Promise<number>;
}

export const toNumber = (row: NumberRow): WhatsAppNumber => ({
  id: row.id,
  phoneNumberId: row.phone_number_id,
  displayPhoneNumber: row.display_phone_number,
  verifiedName: row.verified_name,
  qualityRating: row.quality_rating,
  status: row.status,
  isActive: Boolean(row.is_active),
  label: row.label,
  webhookUrl: row.webhook_url,
  lastError: row.last_error,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

export class NumbersRepository implements NumberStore {
  constructor(private readonly db: Kysely<WhatsAppDatabase>) {}

  find(id: string): Promise<NumberRow | undefined> {
    return this.db.selectFrom('whatsapp_numbers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByPhone(userId: string, phoneNumberId: string): Promise<NumberRow | undefined> {
    return this.db
      .selectFrom('whatsapp_numbers')
      .selectAll()
      .where('user_id', '=', userId)
      .where('phone_number_id', '=', phoneNumberId)
      .executeTakeFirst();
  }

  owners(phoneNumberId: string): Promise<NumberRow[]> {
    return this.db
      .selectFrom('whatsapp_numbers')
      .selectAll()
      .where('phone_number_id', '=', phoneNumberId)
      .where('status', '=', 'active')
      .execute();
  }

  ownedBy(userId: string): Promise<NumberRow[]> {
    return this.db.selectFrom('whatsapp_numbers').selectAll().where('user_id', '=', userId).execute();
  }

  list(caller: ListCaller, data: WhatsAppNumberListCommand) {
    return listPage(this.db, 'whatsapp_numbers', caller, data, toNumber, {
      status: data.status,
      isActive: data.isActive,
      search: data.q ? { text: data.q, columns: ['display_phone_number', 'verified_name'] } : undefined,
    });
  }

  async insert(row: NumberRow, event: OutboxEnvelope): Promise<boolean> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('whatsapp_numbers').values(row).execute();
        await enqueueOutbox(trx, event);
      });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'ER_DUP_ENTRY') return false;
      throw error;
    }
  }

  async lifecycle(
    row: NumberRow,
    patch: LifecyclePatch,
    makeEnvelope: (type: string, data: Record<string, unknown>) => OutboxEnvelope,
  ): Promise<NumberRow> {
    const written: { row: NumberRow; verbs: LifecycleVerb[] } = await writeLifecycle({
      db: this.db,
      table: 'whatsapp_numbers',
      row,
      patch,
      eventPrefix: 'whatsapp.number',
      eventData: { userId: row.user_id, numberId: row.id },
      makeEnvelope,
    });
    return written.row;
  }

  async remove(id: string, event: OutboxEnvelope): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('whatsapp_numbers').where('id', '=', id).execute();
      await enqueueOutbox(trx, event);
    });
  }

  async markRevoked(id: string, detail: string): Promise<void> {
    await this.db
      .updateTable('whatsapp_numbers')
      .set({ status: 'revoked', last_error: detail, updated_at: sql<Date>`current_timestamp(3)` })
      .where('id', '=', id)
      .execute();
  }

  purgeMessages(userId: string, event: (messages: number) => OutboxEnvelope): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const deleted = await trx
        .deleteFrom('whatsapp_messages')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const count = Number(deleted.numDeletedRows);
      await enqueueOutbox(trx, event(count));
      return count;
    });
  }
}
