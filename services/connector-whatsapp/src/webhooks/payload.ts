import type { StatusUpdate } from '../messages/messages.service';

/** A customer's message as a webhook carries it. */
export interface InboundMessage {
  phoneNumberId: string;
  from: string;
  name?: string;
  wamid: string;
  type: string;
  text?: string;
  at: Date;
}

export interface WebhookContents {
  statuses: StatusUpdate[];
  messages: InboundMessage[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;

function dateOf(timestamp: unknown): Date {
  const seconds = Number(timestamp);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}

/**
 * The statuses and customer messages of one `whatsapp_business_account` delivery (`entry[].changes[].value`).
 * What it does not know (other fields, other message parts) is skipped, not refused: Meta adds fields.
 * Undefined when the body is not such a delivery at all.
 */
export function parseWebhook(body: unknown): WebhookContents | undefined {
  if (!isObject(body) || body['object'] !== 'whatsapp_business_account' || !Array.isArray(body['entry']))
    return undefined;
  const contents: WebhookContents = { statuses: [], messages: [] };
  for (const entry of array(body['entry'])) {
    if (!isObject(entry)) continue;
    for (const change of array(entry['changes'])) {
      if (!isObject(change) || change['field'] !== 'messages' || !isObject(change['value'])) continue;
      const value = change['value'];
      const metadata = isObject(value['metadata']) ? value['metadata'] : {};
      const phoneNumberId =
        typeof metadata['phone_number_id'] === 'string' ? metadata['phone_number_id'] : '';
      for (const status of array(value['statuses'])) {
        if (!isObject(status) || typeof status['id'] !== 'string') continue;
        const name = STATUSES.find((s) => s === status['status']);
        if (!name) continue;
        const error = array(status['errors']).find(isObject);
        contents.statuses.push({
          wamid: status['id'],
          status: name,
          at: dateOf(status['timestamp']),
          metaCode: typeof error?.['code'] === 'number' ? error['code'] : null,
          title: typeof error?.['title'] === 'string' ? error['title'] : null,
        });
      }
      const names = new Map<string, string>();
      for (const contact of array(value['contacts'])) {
        if (!isObject(contact) || typeof contact['wa_id'] !== 'string') continue;
        const profile = isObject(contact['profile']) ? contact['profile'] : {};
        if (typeof profile['name'] === 'string') names.set(contact['wa_id'], profile['name']);
      }
      for (const message of array(value['messages'])) {
        if (!isObject(message) || typeof message['id'] !== 'string' || typeof message['from'] !== 'string')
          continue;
        const text = isObject(message['text']) ? message['text']['body'] : undefined;
        const name = names.get(message['from']);
        contents.messages.push({
          phoneNumberId,
          from: message['from'],
          wamid: message['id'],
          type: typeof message['type'] === 'string' ? message['type'] : 'unknown',
          at: dateOf(message['timestamp']),
          ...(typeof text === 'string' ? { text: text.slice(0, 4096) } : {}),
          ...(name ? { name: name.slice(0, 256) } : {}),
        });
      }
    }
  }
  return contents;
}
