import type { LedgerTable } from '@integrations/connector-kit';
import type { Generated } from '@integrations/persistence';
import type { OutboxTable } from '@integrations/persistence';

export type BotStatus = 'active' | 'error' | 'revoked';
export type ChannelStatus = 'active' | 'write_forbidden' | 'error';

export interface BotTable {
  id: string;
  user_id: string;
  telegram_bot_id: string;
  username: string;
  first_name: string;
  bot_token_enc: string;
  bot_token_key_version: number;
  bot_token_hash: string;
  status: BotStatus;
  /** 0: paused by its user (not polled, not sent through). */
  is_active: Generated<number>;
  label: Generated<string | null>;
  updates_mode: 'webhook' | 'polling' | 'none';
  updates_offset: Generated<string>;
  /** Keyed hash of the webhook's secret_token (the token itself is only at Telegram). */
  webhook_secret_hash: string | null;
  last_error: string | null;
  last_seen_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ChannelTable {
  id: string;
  user_id: string;
  bot_id: string;
  chat_id: string;
  title: string;
  type: 'channel' | 'group';
  username: string | null;
  can_post: number;
  status: ChannelStatus;
  /** 0: paused by its user (not sent through). */
  is_active: Generated<number>;
  label: Generated<string | null>;
  last_checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A send through a bot or one of its channels: the ledger's columns (connector-kit), and how it was sent. */
export interface MessageTable extends LedgerTable {
  via_type: 'bot' | 'channel';
  bot_id: string;
  /** The chat as the caller named it (a bot send always has one). */
  chat_id: string;
  /** The replica that called Telegram while `sending`. */
  sending_replica: Generated<string | null>;
}

export interface BotDatabase extends OutboxTable {
  telegram_bots: BotTable;
  telegram_channels: ChannelTable;
  telegram_messages: MessageTable;
}
