import { OwnedRowsRepository, type PublicPart } from '@integrations/connector-kit';
import type { Bot } from '@integrations/contracts';
import { ownedOrNotFound } from '@integrations/messaging';
import { enqueueOutbox, sql } from '@integrations/persistence';
import type { Kysely, OutboxEnvelope, Selectable } from '@integrations/persistence';
import type { BotDatabase, BotTable } from '../db/schema';

export type BotRow = Selectable<BotTable>;

/** Whose rows a caller may see: their own, or everyone's for an admin. */
export interface Caller {
  userId: string;
  admin: boolean;
}

export function toBot(row: BotRow): Bot {
  return {
    id: row.id,
    telegramBotId: row.telegram_bot_id,
    username: row.username,
    firstName: row.first_name,
    status: row.status,
    isActive: Boolean(row.is_active),
    label: row.label,
    updatesMode: row.updates_mode,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** A caller's bot; another user's bot is indistinguishable from a missing one. */
export async function findBot(bots: Pick<Bots, 'byId'>, caller: Caller, id: string): Promise<BotRow> {
  return ownBot(await bots.byId(id), caller);
}

/** `row` if it is the caller's bot (NOT_FOUND otherwise, the same for another user's and a missing one). */
export function ownBot(row: BotRow | undefined, caller: Caller): BotRow {
  return ownedOrNotFound(row, caller, 'bot', 'No such bot.');
}

/**
 * The `telegram_bots` table. A bot's channels go with it (deleted first, each announced). One Telegram bot may be
 * connected by several platform users: one row each, polled and announced together.
 */
export class BotsRepository extends OwnedRowsRepository<BotRow> {
  private readonly bots: Kysely<BotDatabase>;

  constructor(db: Kysely<BotDatabase>) {
    super(db, 'telegram_bots', { table: 'telegram_channels', column: 'bot_id', cascade: false });
    this.bots = db;
  }

  /** The user's bot with this token (by its keyed hash), if connected already. */
  async idByTokenHash(userId: string, hash: string): Promise<string | undefined> {
    const row = await this.bots
      .selectFrom('telegram_bots')
      .select('id')
      .where('user_id', '=', userId)
      .where('bot_token_hash', '=', hash)
      .executeTakeFirst();
    return row?.id;
  }

  async markRevoked(id: string): Promise<void> {
    await this.bots
      .updateTable('telegram_bots')
      .set({
        status: 'revoked',
        last_error: 'The token was revoked at Telegram.',
        updated_at: sql<Date>`current_timestamp(3)`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The Telegram bots to long-poll: at least one active, unpaused row without a webhook. */
  async polledBotIds(): Promise<string[]> {
    const rows = await this.bots
      .selectFrom('telegram_bots')
      .select('telegram_bot_id')
      .where('status', '=', 'active')
      .where('is_active', '=', 1)
      .where('updates_mode', '=', 'polling')
      .groupBy('telegram_bot_id')
      .execute();
    return rows.map((row) => row.telegram_bot_id);
  }

  /** The active, unpaused rows of one Telegram bot (each platform user who connected it). */
  pollable(telegramBotId: string): Promise<BotRow[]> {
    return this.bots
      .selectFrom('telegram_bots')
      .selectAll()
      .where('telegram_bot_id', '=', telegramBotId)
      .where('status', '=', 'active')
      .where('is_active', '=', 1)
      .execute();
  }

  /** The active rows of one Telegram bot, to announce an update to each owner. */
  activeOwners(telegramBotId: string): Promise<Array<Pick<BotRow, 'id' | 'user_id'>>> {
    return this.bots
      .selectFrom('telegram_bots')
      .select(['id', 'user_id'])
      .where('telegram_bot_id', '=', telegramBotId)
      .where('status', '=', 'active')
      .execute();
  }

  /** Polled updates: their events and the rows' next offset, in one transaction. */
  async polled(ids: string[], events: OutboxEnvelope[], nextOffset: string): Promise<void> {
    await this.bots.transaction().execute(async (trx) => {
      for (const event of events) await enqueueOutbox(trx, event);
      await trx
        .updateTable('telegram_bots')
        .set({ updates_offset: nextOffset, last_seen_at: new Date() })
        .where('id', 'in', ids)
        .execute();
    });
  }

  /**
   * Updates posted to the webhook: the events not enqueued yet (Telegram redelivers an update with the same
   * event id) and the bot's last sighting, in one transaction.
   */
  async received(telegramBotId: string, events: OutboxEnvelope[]): Promise<void> {
    await this.bots.transaction().execute(async (trx) => {
      for (const event of events) {
        const seen = await trx
          .selectFrom('outbox')
          .select('id')
          .where('event_id', '=', event.id)
          .executeTakeFirst();
        if (!seen) await enqueueOutbox(trx, event);
      }
      await trx
        .updateTable('telegram_bots')
        .set({ last_seen_at: new Date() })
        .where('telegram_bot_id', '=', telegramBotId)
        .execute();
    });
  }
}

/** What the services use of the bots table (an in-memory fake stands in for it in unit tests). */
export type Bots = PublicPart<BotsRepository>;
