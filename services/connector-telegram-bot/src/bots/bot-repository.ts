import { ownedOrNotFound } from '@integrations/messaging';
import type { Bot } from '@integrations/contracts';
import { type Kysely, type Selectable } from '@integrations/persistence';
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

export async function findBot(db: Kysely<BotDatabase>, caller: Caller, id: string): Promise<BotRow> {
  const row = await db.selectFrom('telegram_bots').selectAll().where('id', '=', id).executeTakeFirst();
  // Another user's bot is indistinguishable from a missing one.
  return ownedOrNotFound(row, caller, 'bot', 'No such bot.');
}
