import type { Account } from '@integrations/contracts';
import type { Selectable } from '@integrations/persistence';
import { rowContext } from '@integrations/secrets';
import type { SessionTable } from '../db/schema';

/** The account rows' pure helpers: what an account looks like outside, phones, and what its secrets are bound to. */

export type SessionRow = Selectable<SessionTable>;

/** `+79991234567` → `+7999***4567`: recognisable in a list, useless to call. */
export function maskPhone(phone: string | undefined | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return '+***';
  return `+${digits.slice(0, 4)}***${digits.slice(-4)}`;
}

/** A phone as Telegram and our flows give it (`79991234567`, `+7 999 123-45-67`) → `+79991234567`; null if none. */
export function normalizePhone(phone: string | undefined | null): string | null {
  const digits = phone?.replace(/\D/g, '') ?? '';
  return digits ? `+${digits}` : null;
}

export function toAccount(row: SessionRow): Account {
  const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    phone: row.phone_masked,
    telegramUserId: row.telegram_user_id,
    username: row.username,
    firstName: row.first_name,
    status: row.status,
    isActive: Boolean(row.is_active),
    label: row.label,
    lastSeenAt: iso(row.last_seen_at),
    lastError: row.last_error,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

/**
 * What a session's ciphertext is bound to. A session row is upserted on (user, Telegram user), so that pair is its
 * key (known before the row id is); with the owner it names exactly one row.
 */
export function sessionContext(telegramUserId: string, userId: string): string {
  return rowContext('telegram_sessions', telegramUserId, userId);
}

/** The phone's binding: the session's row and owner, and its column, so it cannot stand in for the session. */
export function phoneContext(telegramUserId: string, userId: string): string {
  return rowContext('telegram_sessions.phone_enc', telegramUserId, userId);
}
