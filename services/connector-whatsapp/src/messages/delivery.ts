import type { WhatsAppMessage, WhatsAppMessageStatusEvent } from '@integrations/contracts';
import type { DeliveryStatus } from '../db/schema';
import type { MessageRow } from './messages.repository';

const RANK: Record<DeliveryStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 1 };

/**
 * Whether a status webhook moves a message on. Meta's webhooks may come late or out of order: a state is never
 * taken back (a `delivered` after `read` changes nothing), and `failed` only ends a message not yet delivered.
 */
export function advances(current: DeliveryStatus | null, incoming: DeliveryStatus): boolean {
  if (current === null) return true;
  if (current === 'failed' || current === incoming) return false;
  if (incoming === 'failed') return current === 'accepted' || current === 'sent';
  return RANK[incoming] > RANK[current];
}

/** The state callers see: the ledger's until Meta accepted the message, then Meta's. */
export function publicStatus(row: Pick<MessageRow, 'status' | 'delivery'>): WhatsAppMessage['status'] {
  if (row.status === 'failed') return 'failed';
  if (row.status === 'sent') return row.delivery ?? 'accepted';
  return 'queued';
}

export function toWhatsAppMessage(row: MessageRow): WhatsAppMessage {
  return {
    id: row.id,
    numberId: row.number_id,
    to: row.chat_id,
    type: row.type,
    status: publicStatus(row),
    ...(row.wamid ? { wamid: row.wamid } : {}),
    ...(row.error_code
      ? {
          error: {
            code: row.error_code as NonNullable<WhatsAppMessage['error']>['code'],
            detail: row.error_detail ?? '',
            ...(row.meta_error_code !== null ? { metaCode: row.meta_error_code } : {}),
          },
        }
      : {}),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The data of `whatsapp.message.status` for a row as it now is. */
export function statusEventData(row: MessageRow, at: Date): WhatsAppMessageStatusEvent {
  const message = toWhatsAppMessage(row);
  return {
    userId: row.user_id,
    messageId: row.id,
    numberId: row.number_id,
    to: row.chat_id,
    status: message.status,
    ...(message.wamid ? { wamid: message.wamid } : {}),
    ...(message.error ? { error: message.error } : {}),
    at: at.toISOString(),
  };
}
