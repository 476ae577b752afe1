import { EventEmitter } from 'node:events';
import { Clock } from './clock';
import { FaultRegistry } from './faults';
import { pairRateLimitHit, rateLimitHit, templateDoesNotExist, templateParamCount } from './graph-error';
import { accessToken, appSecret, graphId, wamid } from './ids';
import { DEFAULT_LIMITS, RateCounter, mergeLimits, type Limits } from './limits';

/** The customer-service window: a free-form message is delivered only this long after the customer wrote. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** A control API rule was broken: `status` and a machine-readable `code`. */
export class ControlError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export const invalid = (message: string): ControlError => new ControlError(400, 'INVALID', message);
export const notFound = (what: string): ControlError =>
  new ControlError(404, 'NOT_FOUND', `${what} not found`);

export interface Template {
  name: string;
  language: string;
  body: string;
  /** How many `{{n}}` placeholders the body has. */
  params: number;
}

export interface WebhookSubscription {
  url: string;
  verifyToken: string;
}

export interface PhoneNumber {
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  accessToken: string;
  appSecret: string;
  revoked: boolean;
  templates: Template[];
  webhook?: WebhookSubscription;
  /** wa_id → when the customer last wrote (emulator clock, ms). */
  lastInbound: Map<string, number>;
  messages: SentMessage[];
}

export type MessageStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/** An error object of a `failed` status webhook. */
export interface WhatsAppError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
}

export interface MediaContent {
  link?: string;
  id?: string;
  caption?: string;
  filename?: string;
}

export type SendContent =
  | { type: 'text'; text: string }
  | { type: 'template'; name: string; language: string; parameters: string[] }
  | { type: 'image' | 'document' | 'audio' | 'video'; media: MediaContent };

export interface SentMessage {
  id: string;
  to: string;
  type: SendContent['type'];
  text?: string;
  template?: { name: string; language: string; parameters: string[]; body: string };
  media?: MediaContent;
  status: MessageStatus;
  errors?: WhatsAppError[];
  /** Unix seconds (emulator clock). */
  timestamp: number;
}

export interface InboundMessage {
  id: string;
  from: string;
  name: string;
  text: string;
  timestamp: number;
}

/** What the webhook sender is told: a status change of a sent message, or a customer's message. */
export type WorldEvent =
  | { kind: 'status'; number: PhoneNumber; message: SentMessage; status: MessageStatus; timestamp: number }
  | { kind: 'inbound'; number: PhoneNumber; message: InboundMessage };

const WINDOW_CLOSED: WhatsAppError = {
  code: 131047,
  title: 'Re-engagement message',
  message: 'Re-engagement message',
  error_data: {
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
};

const UNDELIVERABLE: WhatsAppError = {
  code: 131026,
  title: 'Message Undeliverable',
  message: 'Message Undeliverable',
  error_data: { details: 'Message Undeliverable.' },
};

/** A phone number in Meta's `wa_id` form: digits only. */
export function waId(to: string): string {
  return to.replace(/[^\d]/g, '');
}

function countPlaceholders(body: string): number {
  let max = 0;
  for (const match of body.matchAll(/\{\{(\d+)\}\}/g)) max = Math.max(max, Number(match[1]));
  return max;
}

/**
 * Everything the emulator knows: business numbers (each its own app: token and app secret), templates, sent
 * messages, the customers' windows, limits, faults and the clock. Emits `event` (a `WorldEvent`) for webhooks.
 */
export class World extends EventEmitter<{ event: [WorldEvent] }> {
  readonly clock: Clock;
  readonly faults = new FaultRegistry();
  private numbers = new Map<string, PhoneNumber>();
  private byToken = new Map<string, PhoneNumber>();
  private counter = new RateCounter();
  private limitsValue: Limits;
  private readonly initialLimits: Limits;

  constructor(options: { limits?: Partial<Limits>; clock?: Clock } = {}) {
    super();
    this.clock = options.clock ?? new Clock();
    this.initialLimits = mergeLimits(DEFAULT_LIMITS, options.limits ?? {});
    this.limitsValue = this.initialLimits;
  }

  get limits(): Limits {
    return this.limitsValue;
  }

  setLimits(patch: unknown): Limits {
    try {
      this.limitsValue = mergeLimits(this.limitsValue, patch);
    } catch (error) {
      throw invalid((error as Error).message);
    }
    return this.limitsValue;
  }

  createNumber(input: { displayPhoneNumber?: string; verifiedName?: string }): PhoneNumber {
    const display = input.displayPhoneNumber ?? `+1 555 ${graphId(3)} ${graphId(4)}`;
    if (!/^\+?[\d\s\-()]{5,25}$/.test(display)) throw invalid('displayPhoneNumber must be a phone number');
    const number: PhoneNumber = {
      phoneNumberId: graphId(15),
      wabaId: graphId(15),
      displayPhoneNumber: display,
      verifiedName: input.verifiedName ?? 'Test Business',
      qualityRating: 'GREEN',
      accessToken: accessToken(),
      appSecret: appSecret(),
      revoked: false,
      templates: [],
      lastInbound: new Map(),
      messages: [],
    };
    this.adopt(number);
    return number;
  }

  /** Takes a number as it was saved (a restarted sandbox keeps the numbers connected before). */
  adopt(number: PhoneNumber): void {
    this.numbers.set(number.phoneNumberId, number);
    this.byToken.set(number.accessToken, number);
  }

  getNumber(phoneNumberId: string): PhoneNumber | undefined {
    return this.numbers.get(phoneNumberId);
  }

  number(phoneNumberId: string): PhoneNumber {
    const number = this.numbers.get(phoneNumberId);
    if (number === undefined) throw notFound(`number ${phoneNumberId}`);
    return number;
  }

  listNumbers(): PhoneNumber[] {
    return [...this.numbers.values()];
  }

  /** The number a token belongs to, when the token is live. */
  byAccessToken(token: string): PhoneNumber | undefined {
    const number = this.byToken.get(token);
    return number === undefined || number.revoked ? undefined : number;
  }

  revoke(number: PhoneNumber): void {
    number.revoked = true;
  }

  addTemplate(number: PhoneNumber, input: { name: string; language: string; body: string }): Template {
    if (!/^[a-z0-9_]{1,512}$/.test(input.name)) {
      throw invalid('name must be lowercase letters, digits and underscores (Meta template names)');
    }
    if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(input.language)) {
      throw invalid('language must be a locale code such as en or en_US');
    }
    if (input.body.length > 1024) throw invalid('body is longer than 1024 characters');
    if (number.templates.some((t) => t.name === input.name && t.language === input.language)) {
      throw new ControlError(409, 'CONFLICT', `template ${input.name} (${input.language}) exists`);
    }
    const template: Template = { ...input, params: countPlaceholders(input.body) };
    number.templates.push(template);
    return template;
  }

  isWindowOpen(number: PhoneNumber, to: string): boolean {
    const last = number.lastInbound.get(to);
    return last !== undefined && this.clock.now() - last < WINDOW_MS;
  }

  /**
   * Accepts a message (the Graph API's 200) or throws a `GraphError` (template rules, limits). The outcome
   * follows as status events: `sent` and `delivered` right away, or `failed` with 131047 (a free-form message
   * outside the window) or 131026 (an `undeliverable` fault).
   */
  send(number: PhoneNumber, to: string, content: SendContent, undeliverable = false): SentMessage {
    let template: SentMessage['template'];
    if (content.type === 'template') {
      const found = number.templates.find((t) => t.name === content.name && t.language === content.language);
      if (found === undefined) throw templateDoesNotExist(content.name, content.language);
      if (found.params !== content.parameters.length) {
        throw templateParamCount(found.params, content.parameters.length);
      }
      const body = found.body.replace(
        /\{\{(\d+)\}\}/g,
        (_, n: string) => content.parameters[Number(n) - 1] ?? '',
      );
      template = { name: found.name, language: found.language, parameters: content.parameters, body };
    }
    const now = this.clock.now();
    if (this.limitsValue.enabled) {
      const pairKey = `${number.phoneNumberId}>${to}`;
      if (!this.counter.hasRoom(number.phoneNumberId, this.limitsValue.perNumber, now)) throw rateLimitHit();
      if (!this.counter.hasRoom(pairKey, this.limitsValue.perPair, now)) throw pairRateLimitHit();
      this.counter.record(number.phoneNumberId, now);
      this.counter.record(pairKey, now);
    }
    const message: SentMessage = {
      id: wamid(),
      to,
      type: content.type,
      status: 'accepted',
      timestamp: Math.floor(now / 1000),
    };
    if (content.type === 'text') message.text = content.text;
    else if (content.type === 'template') message.template = template;
    else message.media = content.media;
    number.messages.push(message);

    const freeForm = content.type !== 'template';
    if (freeForm && !this.isWindowOpen(number, to)) this.fail(number, message, WINDOW_CLOSED);
    else if (undeliverable) this.fail(number, message, UNDELIVERABLE);
    else {
      this.setStatus(number, message, 'sent');
      this.setStatus(number, message, 'delivered');
    }
    return message;
  }

  /** The customer reads a delivered message (the `read` status webhook). */
  read(number: PhoneNumber, id: string): SentMessage {
    const message = number.messages.find((m) => m.id === id);
    if (message === undefined) throw notFound(`message ${id}`);
    if (message.status !== 'delivered') {
      throw new ControlError(
        409,
        'CONFLICT',
        `message is ${message.status}; only a delivered message can be read`,
      );
    }
    this.setStatus(number, message, 'read');
    return message;
  }

  /** A customer writes in: opens (or renews) the window and fires the inbound webhook. */
  inbound(number: PhoneNumber, input: { from: string; text: string; name?: string }): InboundMessage {
    const from = waId(input.from);
    if (!/^\d{5,15}$/.test(from)) throw invalid('from must be a phone number (5..15 digits)');
    if (input.text === '' || input.text.length > 4096) throw invalid('text must be 1..4096 characters');
    const now = this.clock.now();
    number.lastInbound.set(from, now);
    const message: InboundMessage = {
      id: wamid(),
      from,
      name: input.name ?? `Customer ${from.slice(-4)}`,
      text: input.text,
      timestamp: Math.floor(now / 1000),
    };
    this.emit('event', { kind: 'inbound', number, message });
    return message;
  }

  reset(): void {
    this.numbers.clear();
    this.byToken.clear();
    this.counter.clear();
    this.faults.clear();
    this.clock.reset();
    this.limitsValue = this.initialLimits;
  }

  private fail(number: PhoneNumber, message: SentMessage, error: WhatsAppError): void {
    message.errors = [error];
    this.setStatus(number, message, 'failed');
  }

  private setStatus(number: PhoneNumber, message: SentMessage, status: MessageStatus): void {
    message.status = status;
    this.emit('event', { kind: 'status', number, message, status, timestamp: this.clock.seconds() });
  }
}
