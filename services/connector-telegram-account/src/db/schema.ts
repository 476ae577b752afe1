import type { LedgerTable } from '@integrations/connector-kit';
import type { Generated, OutboxTable } from '@integrations/persistence';

export type SessionStatus = 'connecting' | 'active' | 'error' | 'revoked';

/** One connected Telegram account of a platform user (the seed's `telegram_sessions`, ARCHITECTURE.md §7). */
export interface SessionTable {
  id: string;
  user_id: string;
  telegram_user_id: string;
  /** Masked (`+7999***4567`): enough to recognise the account, not to call it. */
  phone_masked: string | null;
  /**
   * The full number (`+<digits>`), encrypted with the `telegram-sessions` key and bound to this row and column;
   * null where unknown. Read only for its owner's `reveal=phone`.
   */
  phone_enc: string | null;
  phone_key_version: number | null;
  /** `keyedHash` of the full number: one account per phone per user (unique with `user_id`). */
  phone_hash: string | null;
  username: string | null;
  first_name: string | null;
  /** The GramJS StringSession, encrypted with the `telegram-sessions` key; never in clear text anywhere. */
  session_enc: string;
  session_key_version: number;
  status: SessionStatus;
  /** 0: paused by its user (client disconnected, session kept, nothing sent). */
  is_active: Generated<number>;
  label: Generated<string | null>;
  last_error: string | null;
  last_seen_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A channel or group attached through an account, with the peer needed to reach it after a restart. */
export interface AccountChannelTable {
  id: string;
  user_id: string;
  account_id: string;
  /** Bot API style id (`-100…` for channels and supergroups, `-…` for basic groups). */
  chat_id: string;
  peer_type: 'chat' | 'channel';
  peer_id: string;
  access_hash: string;
  title: string;
  type: 'channel' | 'group';
  username: string | null;
  can_post: number;
  status: 'active' | 'write_forbidden' | 'error';
  /** 0: paused by its user (not sent to). */
  is_active: Generated<number>;
  label: Generated<string | null>;
  last_checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A send as an account: the ledger's columns (connector-kit), and the account and recipient it went to. */
export interface AccountMessageTable extends LedgerTable {
  account_id: string;
  /** As the caller named it: `@username`, `+phone` or a chat id. */
  recipient: string;
  /** Set when sent to an attached channel (its stored peer is used, and write refusals mark it). */
  channel_id: string | null;
  /** The chat Telegram delivered to, once known. */
  chat_id: string | null;
}

export interface AccountDatabase extends OutboxTable {
  telegram_sessions: SessionTable;
  telegram_account_channels: AccountChannelTable;
  telegram_account_messages: AccountMessageTable;
}
