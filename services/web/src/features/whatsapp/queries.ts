import type {
  WhatsAppMessage,
  WhatsAppNumber,
  WhatsAppNumberCreateBody,
  WhatsAppSendBody,
} from '@integrations/contracts';
import { useQuery } from '@tanstack/react-query';
import { apiRequest, newIdempotencyKey } from '../../api/client';
import { useListChange } from '../../api/queries';

const NUMBERS = '/whatsapp/numbers';

export const useConnectNumber = () =>
  useListChange(['whatsapp'], (body: WhatsAppNumberCreateBody) =>
    apiRequest<WhatsAppNumber>(NUMBERS, { method: 'POST', body, idempotencyKey: newIdempotencyKey() }),
  );

export const useRemoveNumber = () =>
  useListChange(['whatsapp'], (id: string) => apiRequest<void>(`${NUMBERS}/${id}`, { method: 'DELETE' }));

/** One send; the idempotency key is the form's, made once per submitted message. */
export const useWhatsAppSend = () =>
  useListChange(
    ['logs'],
    ({
      numberId,
      body,
      idempotencyKey,
    }: {
      numberId: string;
      body: WhatsAppSendBody;
      idempotencyKey: string;
    }) =>
      apiRequest<WhatsAppMessage>(`${NUMBERS}/${numberId}/send`, { method: 'POST', body, idempotencyKey }),
  );

/**
 * A sent message's delivery state. Meta's status webhooks move it (accepted → sent → delivered → read, or
 * failed); each arrives as a `whatsapp.message.status` event, which makes this query stale (describe-event.ts).
 */
export const useWhatsAppMessage = (id: string | undefined) =>
  useQuery({
    queryKey: ['whatsapp-messages', id],
    enabled: id !== undefined,
    queryFn: ({ signal }) => apiRequest<WhatsAppMessage>(`/messages/${id}`, { signal }),
  });
