import type { LedgerTable } from '@integrations/connector-kit';
import type { Generated, OutboxTable } from '@integrations/persistence';

export type NumberStatus = 'active' | 'revoked';
export type QualityRating = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';

export interface NumberTable {
  id: string;
  user_id: string;
  phone_number_id: string;
  display_phone_number: string;
  verified_name: string;
  quality_rating: QualityRating;
  /** The system-user access token, encrypted and bound to the row and its owner. */
  access_token_enc: string;
  access_token_key_version: number;
  /** The app secret Meta signs webhooks with, encrypted and bound like the token. */
  app_secret_enc: string;
  app_secret_key_version: number;
  status: NumberStatus;
  /** 0: paused by its user (not sent through; its webhooks are still received). */
  is_active: Generated<number>;
  label: Generated<string | null>;
  /** The callback URL subscribed at Meta for this number, when one was. */
  webhook_url: string | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What Meta's status webhooks say of a sent message, in order. */
export type DeliveryStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * A send through a number: the ledger's columns (connector-kit; `chat_id` is the recipient, `channel_id` and
 * `telegram_message_id` stay null) and WhatsApp's own.
 */
export interface MessageTable extends LedgerTable {
  number_id: string;
  chat_id: string;
  type: 'text' | 'template';
  /** Meta's id of the accepted message (`wamid.…`), which status webhooks name. */
  wamid: string | null;
  /** Where Meta's webhooks have taken it, once Meta accepted it (the ledger's `status` is then `sent`). */
  delivery: DeliveryStatus | null;
  meta_error_code: number | null;
}

/** Every status webhook received, once per message and status: early ones wait here for their message. */
export interface StatusTable {
  wamid: string;
  status: Exclude<DeliveryStatus, 'accepted'>;
  at: Date;
  meta_error_code: number | null;
  error_title: string | null;
  created_at: Generated<Date>;
}

export interface WhatsAppDatabase extends OutboxTable {
  whatsapp_numbers: NumberTable;
  whatsapp_messages: MessageTable;
  whatsapp_message_statuses: StatusTable;
}
