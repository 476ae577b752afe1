import type { WhatsAppMessageReceivedEvent } from '@integrations/contracts';
import type { MessageContext } from '@integrations/messaging';
import type { OutboxEnvelope } from '@integrations/persistence';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MessagesService } from '../messages/messages.service';
import type { WhatsAppMessageStore } from '../messages/messages.repository';
import type { WhatsAppMetrics } from '../metrics';
import type { NumberRow, NumberStore } from '../numbers/numbers.repository';
import type { NumbersService } from '../numbers/numbers.service';
import { parseWebhook, type InboundMessage } from './payload';
import { signatureMatches } from './signature';

/** How a webhook request was answered: a status for Meta, and what was refused (counted) when it was. */
export type WebhookAnswer =
  | { status: 200; body?: string }
  | { status: 400 | 401 | 403 | 404; reason: 'malformed' | 'signature' | 'verify_token' | 'unknown_number' };

export interface WebhooksDeps {
  numbers: Pick<NumbersService, 'appSecretOf' | 'verifyTokenOf'>;
  numberStore: Pick<NumberStore, 'find' | 'owners'>;
  messages: Pick<MessagesService, 'applyStatus'>;
  store: Pick<WhatsAppMessageStore, 'announceOnce'>;
  makeEnvelope: (type: string, data: unknown, ctx: MessageContext) => OutboxEnvelope;
  relay: { kick(): void };
  metrics: WhatsAppMetrics;
}

/**
 * Meta's webhooks for one connected number (`/whatsapp/webhooks/{numberId}`): the subscription handshake, and
 * signed deliveries whose statuses settle messages and whose customer messages become
 * `whatsapp.message.received` for every user who connected the number. A delivery is checked on its raw bytes
 * with the number's app secret before anything in it is read.
 */
export class WebhooksService {
  constructor(private readonly deps: WebhooksDeps) {}

  /** The handshake: `hub.challenge` echoed when `hub.mode` is subscribe and the verify token is this number's. */
  verify(numberId: string, query: URLSearchParams): WebhookAnswer {
    const given = Buffer.from(query.get('hub.verify_token') ?? '');
    const expected = Buffer.from(this.deps.numbers.verifyTokenOf(numberId));
    const challenge = query.get('hub.challenge') ?? '';
    const valid =
      query.get('hub.mode') === 'subscribe' &&
      given.length === expected.length &&
      timingSafeEqual(given, expected) &&
      /^[A-Za-z0-9_-]{1,128}$/.test(challenge);
    if (!valid) return this.refuse(403, 'verify_token');
    return { status: 200, body: challenge };
  }

  async receive(numberId: string, raw: Buffer, signature: string | undefined): Promise<WebhookAnswer> {
    const number = await this.deps.numberStore.find(numberId);
    if (!number) return this.refuse(404, 'unknown_number');
    if (!signatureMatches(raw, signature, await this.deps.numbers.appSecretOf(number)))
      return this.refuse(401, 'signature');
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.refuse(400, 'malformed');
    }
    const contents = parseWebhook(body);
    if (!contents) return this.refuse(400, 'malformed');
    for (const status of contents.statuses) await this.deps.messages.applyStatus(status);
    const inbound = contents.messages.filter(
      (m) => m.phoneNumberId === '' || m.phoneNumberId === number.phone_number_id,
    );
    if (inbound.length > 0) await this.announce(number, inbound);
    return { status: 200 };
  }

  /** One event per message and user who connected the number; ids derived from both, so a redelivery adds none. */
  private async announce(number: NumberRow, messages: InboundMessage[]): Promise<void> {
    const owners = await this.deps.numberStore.owners(number.phone_number_id);
    const events: OutboxEnvelope[] = [];
    for (const owner of owners)
      for (const message of messages) {
        const data: WhatsAppMessageReceivedEvent = {
          userId: owner.user_id,
          numberId: owner.id,
          from: message.from,
          wamid: message.wamid,
          type: message.type,
          date: message.at.toISOString(),
          ...(message.text !== undefined ? { text: message.text } : {}),
          ...(message.name !== undefined ? { name: message.name } : {}),
        };
        const envelope = this.deps.makeEnvelope('whatsapp.message.received', data, { userId: owner.user_id });
        envelope.id = `wa-${createHash('sha256').update(`${owner.id}:${message.wamid}`).digest('hex').slice(0, 40)}`;
        events.push(envelope);
      }
    const fresh = await this.deps.store.announceOnce(events);
    if (fresh > 0) {
      this.deps.metrics.inbound.inc(messages.length);
      this.deps.relay.kick();
    }
  }

  private refuse(
    status: 400 | 401 | 403 | 404,
    reason: 'malformed' | 'signature' | 'verify_token' | 'unknown_number',
  ): WebhookAnswer {
    this.deps.metrics.webhookRejected.inc({ reason });
    return { status, reason };
  }
}
