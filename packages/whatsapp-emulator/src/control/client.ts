import type { Fault, FaultKind } from '../faults';
import type { Limits } from '../limits';
import type { MediaContent, MessageStatus, WhatsAppError } from '../world';
import type { Delivery } from '../webhooks';

export interface CreatedNumber {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  displayPhoneNumber: string;
  verifiedName: string;
}

export interface NumberInfo {
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  revoked: boolean;
  webhookUrl: string | null;
  templates: { name: string; language: string; body: string }[];
}

/** What `GET /_emulator/numbers/{id}/messages` reports of one sent message. */
export interface StoredMessage {
  id: string;
  to: string;
  type: 'text' | 'template' | 'image' | 'document' | 'audio' | 'video';
  text?: string;
  template?: { name: string; language: string; parameters: string[]; body: string };
  media?: MediaContent;
  status: MessageStatus;
  errors?: WhatsAppError[];
  timestamp: number;
}

export interface FaultRequest {
  target: string;
  kind: FaultKind;
  ms?: number;
  count?: number;
  status?: number;
  code?: number;
  message?: string;
}

/** The control API answered with an error: `status` and the emulator's `{error, code}`. */
export class WhatsAppEmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WhatsAppEmulatorControlError';
  }
}

/**
 * A typed client for the control API (`/_emulator`), for tests and scripts: create numbers, register templates,
 * have customers write and read, point webhooks, move the clock, inject faults.
 */
export class WhatsAppEmulatorClient {
  private readonly base: string;

  constructor(url: string) {
    this.base = `${url.replace(/\/$/, '')}/_emulator`;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!res.ok) {
      const err = (parsed ?? {}) as { error?: string; code?: string };
      throw new WhatsAppEmulatorControlError(
        res.status,
        err.code ?? 'ERROR',
        err.error ?? `${method} ${path}: ${res.status}`,
      );
    }
    return parsed as T;
  }

  private numberPath(phoneNumberId: string, rest = ''): string {
    return `/numbers/${encodeURIComponent(phoneNumberId)}${rest}`;
  }

  createNumber(input: { displayPhoneNumber?: string; verifiedName?: string } = {}): Promise<CreatedNumber> {
    return this.request('POST', '/numbers', input);
  }

  numbers(): Promise<NumberInfo[]> {
    return this.request('GET', '/numbers');
  }

  number(phoneNumberId: string): Promise<NumberInfo> {
    return this.request('GET', this.numberPath(phoneNumberId));
  }

  updateNumber(
    phoneNumberId: string,
    input: { qualityRating?: NumberInfo['qualityRating']; verifiedName?: string },
  ): Promise<NumberInfo> {
    return this.request('PATCH', this.numberPath(phoneNumberId), input);
  }

  /** Registers an approved template; `{{1}}`, `{{2}}`… in the body are its parameters. */
  addTemplate(
    phoneNumberId: string,
    input: { name: string; language: string; body: string },
  ): Promise<{ name: string; language: string; body: string; status: 'APPROVED' }> {
    return this.request('POST', this.numberPath(phoneNumberId, '/templates'), input);
  }

  /** A customer writes in: opens their 24-hour window and fires the inbound webhook. */
  inbound(
    phoneNumberId: string,
    input: { from: string; text: string; name?: string },
  ): Promise<{ id: string; from: string; timestamp: number }> {
    return this.request('POST', this.numberPath(phoneNumberId, '/inbound'), input);
  }

  /** What the number sent, oldest first. */
  messages(phoneNumberId: string): Promise<StoredMessage[]> {
    return this.request('GET', this.numberPath(phoneNumberId, '/messages'));
  }

  /** The customer reads a delivered message (fires the `read` status webhook). */
  read(phoneNumberId: string, messageId: string): Promise<StoredMessage> {
    return this.request(
      'POST',
      this.numberPath(phoneNumberId, `/messages/${encodeURIComponent(messageId)}/read`),
    );
  }

  /** Subscribes a callback URL; the emulator performs the verification GET first (422 when it fails). */
  setWebhook(
    phoneNumberId: string,
    input: { url: string; verifyToken: string },
  ): Promise<{ url: string; verified: true }> {
    return this.request('POST', this.numberPath(phoneNumberId, '/webhook'), input);
  }

  deleteWebhook(phoneNumberId: string): Promise<void> {
    return this.request('DELETE', this.numberPath(phoneNumberId, '/webhook'));
  }

  /** The webhook deliveries of a number (state, attempts, last error), oldest first. */
  deliveries(phoneNumberId: string): Promise<Delivery[]> {
    return this.request('GET', this.numberPath(phoneNumberId, '/deliveries'));
  }

  advanceClock(advanceSeconds: number): Promise<{ now: number }> {
    return this.request('POST', '/clock', { advanceSeconds });
  }

  clock(): Promise<{ now: number }> {
    return this.request('GET', '/clock');
  }

  addFault(fault: FaultRequest): Promise<{ id: string }> {
    return this.request('POST', '/faults', fault);
  }

  faults(): Promise<Fault[]> {
    return this.request('GET', '/faults');
  }

  removeFault(id: string): Promise<void> {
    return this.request('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  clearFaults(): Promise<void> {
    return this.request('DELETE', '/faults');
  }

  limits(): Promise<Limits> {
    return this.request('GET', '/limits');
  }

  setLimits(patch: Partial<Limits>): Promise<Limits> {
    return this.request('PUT', '/limits', patch);
  }

  reset(): Promise<void> {
    return this.request('POST', '/reset');
  }
}
