import { createHmac, randomBytes } from 'node:crypto';
import type { PhoneNumber, World, WorldEvent } from './world';

/** `sha256=` and the hex HMAC-SHA256 of the raw body with the app secret: Meta's `X-Hub-Signature-256`. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Builds the `value` of a change (`field: messages`) in Meta's webhook shape. */
export function eventValue(event: WorldEvent): Record<string, unknown> {
  const { number } = event;
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: {
      display_phone_number: number.displayPhoneNumber.replace(/[^\d]/g, ''),
      phone_number_id: number.phoneNumberId,
    },
  };
  if (event.kind === 'inbound') {
    const m = event.message;
    value.contacts = [{ profile: { name: m.name }, wa_id: m.from }];
    value.messages = [
      { from: m.from, id: m.id, timestamp: String(m.timestamp), type: 'text', text: { body: m.text } },
    ];
    return value;
  }
  const status: Record<string, unknown> = {
    id: event.message.id,
    status: event.status,
    timestamp: String(event.timestamp),
    recipient_id: event.message.to,
  };
  if (event.status === 'sent' || event.status === 'delivered') {
    const category = event.message.type === 'template' ? 'utility' : 'service';
    status.conversation = {
      id: conversationId(number, event.message.to),
      origin: { type: category },
    };
    status.pricing = { billable: category !== 'service', pricing_model: 'PMP', category };
  }
  if (event.status === 'failed') status.errors = event.message.errors ?? [];
  value.statuses = [status];
  return value;
}

function conversationId(number: PhoneNumber, to: string): string {
  return createHmac('sha256', number.wabaId).update(to).digest('hex').slice(0, 32);
}

/** The whole webhook body Meta POSTs for one event. */
export function webhookBody(event: WorldEvent): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: event.number.wabaId, changes: [{ value: eventValue(event), field: 'messages' }] }],
  };
}

export interface WebhookOptions {
  /** First retry after this long; doubled each time up to `maxDelayMs` (default 1000 / 30000). */
  retryMs?: number;
  maxDelayMs?: number;
  /** Attempts before a delivery is given up (default 10; Meta retries for up to 7 days). */
  maxAttempts?: number;
  /** Per-attempt timeout (default 5000). */
  timeoutMs?: number;
}

/** One delivery as `GET /_emulator/numbers/{id}/webhook/deliveries` reports it. */
export interface Delivery {
  id: string;
  kind: WorldEvent['kind'];
  /** The wamid the event is about. */
  messageId: string;
  status?: string;
  state: 'pending' | 'delivered' | 'given_up';
  attempts: number;
  lastError?: string;
}

interface Queued {
  delivery: Delivery;
  url: string;
  body: string;
  secret: string;
}

/**
 * Posts events to each number's callback URL, signed, in order per number: one delivery at a time, retried
 * with back-off until the receiver answers 2xx (a later event waits, so `sent` never overtakes `delivered`).
 * Events of a number without a subscription are dropped, as Meta drops them.
 */
export class WebhookSender {
  private queues = new Map<string, Queued[]>();
  private busy = new Set<string>();
  private log = new Map<string, Delivery[]>();
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly world: World,
    private readonly options: WebhookOptions = {},
  ) {
    world.on('event', this.onEvent);
  }

  deliveries(phoneNumberId: string): Delivery[] {
    return (this.log.get(phoneNumberId) ?? []).map((d) => ({ ...d }));
  }

  stop(): void {
    this.stopped = true;
    this.world.off('event', this.onEvent);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Forgets every queued and logged delivery (`POST /_emulator/reset`); an attempt in flight is not awaited. */
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.busy.clear();
    this.queues.clear();
    this.log.clear();
  }

  private readonly onEvent = (event: WorldEvent): void => {
    const { number } = event;
    if (number.webhook === undefined) return;
    const delivery: Delivery = {
      id: randomBytes(6).toString('hex'),
      kind: event.kind,
      messageId: event.message.id,
      ...(event.kind === 'status' ? { status: event.status } : {}),
      state: 'pending',
      attempts: 0,
    };
    const log = this.log.get(number.phoneNumberId) ?? [];
    log.push(delivery);
    if (log.length > 1000) log.shift();
    this.log.set(number.phoneNumberId, log);
    const queue = this.queues.get(number.phoneNumberId) ?? [];
    queue.push({
      delivery,
      url: number.webhook.url,
      body: JSON.stringify(webhookBody(event)),
      secret: number.appSecret,
    });
    this.queues.set(number.phoneNumberId, queue);
    this.pump(number.phoneNumberId);
  };

  private pump(phoneNumberId: string): void {
    if (this.busy.has(phoneNumberId) || this.stopped) return;
    const head = this.queues.get(phoneNumberId)?.[0];
    if (head === undefined) return;
    this.busy.add(phoneNumberId);
    void this.attempt(phoneNumberId, head);
  }

  private async attempt(phoneNumberId: string, item: Queued): Promise<void> {
    item.delivery.attempts += 1;
    const error = await this.post(phoneNumberId, item);
    if (this.stopped) return;
    const maxAttempts = this.options.maxAttempts ?? 10;
    if (error === undefined || item.delivery.attempts >= maxAttempts) {
      item.delivery.state = error === undefined ? 'delivered' : 'given_up';
      if (error !== undefined) item.delivery.lastError = error;
      this.queues.get(phoneNumberId)?.shift();
      this.busy.delete(phoneNumberId);
      this.pump(phoneNumberId);
      return;
    }
    item.delivery.lastError = error;
    const base = this.options.retryMs ?? 1000;
    const delay = Math.min(base * 2 ** (item.delivery.attempts - 1), this.options.maxDelayMs ?? 30_000);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(phoneNumberId, item);
    }, delay);
    this.timers.add(timer);
  }

  /** One POST; undefined on a 2xx, else what went wrong (never the body or the secret). */
  private async post(phoneNumberId: string, item: Queued): Promise<string | undefined> {
    if (this.world.faults.take(phoneNumberId, ['webhook_down']).length > 0) return 'webhook_down fault';
    try {
      const res = await fetch(item.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signBody(item.body, item.secret),
          'user-agent': 'facebookexternalua',
        },
        body: item.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await res.arrayBuffer();
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (error) {
      return (error as Error).name === 'TimeoutError' ? 'timeout' : 'connection failed';
    }
  }
}

/**
 * Meta's subscription check: `GET url?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`; the receiver
 * must answer 200 with the challenge as the body. Answers undefined when it did, else why not.
 */
export async function verifySubscription(
  url: string,
  verifyToken: string,
  timeoutMs = 5000,
): Promise<string | undefined> {
  const challenge = String(randomBytes(4).readUInt32BE(0));
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return 'the callback URL is not a valid URL';
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return 'the callback URL must be http(s)';
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.verify_token', verifyToken);
  target.searchParams.set('hub.challenge', challenge);
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (res.status !== 200) return `the callback URL answered ${res.status}`;
    if (text.trim() !== challenge) return 'the callback URL did not echo hub.challenge';
    return undefined;
  } catch {
    return 'the callback URL could not be reached';
  }
}
