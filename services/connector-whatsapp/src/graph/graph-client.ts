import type { BreakerSet } from '@integrations/connector-kit';

/** An error answer of the Graph API: `{error: {message, type, code, error_subcode?, error_data?, fbtrace_id}}`. */
export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly subcode?: number,
    readonly details?: string,
  ) {
    super(message);
    this.name = 'GraphApiError';
  }
}

/** Graph could not be reached (refused, reset, DNS): it may or may not have seen the request. */
export class GraphUnreachableError extends Error {
  constructor(cause: unknown) {
    super('the Graph API could not be reached', { cause });
    this.name = 'GraphUnreachableError';
  }
}

/** What `GET /{version}/{phone-number-id}` tells of a number. */
export interface NumberInfo {
  id: string;
  display_phone_number: string;
  verified_name: string;
  quality_rating?: string;
}

/** A send's body as the Cloud API takes it (`messaging_product` and `to` are added here). */
export type SendBody =
  | { type: 'text'; text: { body: string } }
  | {
      type: 'template';
      template: {
        name: string;
        language: { code: string };
        components?: { type: string; parameters?: { type: 'text'; text: string }[] }[];
      };
    };

/** Only the platform's failures open a breaker: unreachable, 5xx, Meta's transient 131000 and timeouts. */
export function isGraphFailure(error: unknown): boolean {
  if (error instanceof GraphUnreachableError) return true;
  if (error instanceof GraphApiError) return error.status >= 500 || [1, 2, 131000].includes(error.code);
  return false;
}

/**
 * The Cloud API calls the connector makes, over fetch with the bearer token (never logged), each behind the
 * connector's breakers (`number:<id>` and the connector-wide `graph-api`).
 */
export class GraphClient {
  constructor(
    private readonly options: { graphUrl: string; graphVersion: string },
    private readonly breakers: BreakerSet,
  ) {}

  describeNumber(phoneNumberId: string, token: string): Promise<NumberInfo> {
    return this.call(undefined, 'GET', phoneNumberId, token);
  }

  /** Meta's per-number alternate callback URL: Meta checks it with the handshake GET before answering. */
  async subscribe(phoneNumberId: string, token: string, url: string, verifyToken: string): Promise<void> {
    await this.call(undefined, 'POST', phoneNumberId, token, {
      webhook_configuration: { override_callback_uri: url, verify_token: verifyToken },
    });
  }

  /** Accepted (Meta's `wamid`), not delivered: delivery comes by status webhook. */
  async send(numberKey: string, phoneNumberId: string, token: string, to: string, body: SendBody) {
    const answer = await this.call<{ messages?: { id: string }[] }>(
      numberKey,
      'POST',
      `${phoneNumberId}/messages`,
      token,
      { messaging_product: 'whatsapp', recipient_type: 'individual', to, ...body },
    );
    const wamid = answer.messages?.[0]?.id;
    if (!wamid) throw new GraphApiError(502, 1, 'Graph answered without a message id');
    return { wamid };
  }

  forget(numberKey: string): void {
    this.breakers.forget(numberKey);
  }

  private call<T>(key: string | undefined, method: string, path: string, token: string, body?: unknown) {
    return this.breakers.call(key, async (): Promise<T> => {
      let res: Response;
      try {
        res = await fetch(`${this.options.graphUrl}/${this.options.graphVersion}/${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        throw new GraphUnreachableError(error);
      }
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? {} : JSON.parse(text);
      } catch {
        throw new GraphApiError(res.status, 1, `Graph answered ${res.status} with a body that is not JSON`);
      }
      if (!res.ok) throw graphErrorOf(res.status, parsed);
      return parsed as T;
    });
  }
}

function graphErrorOf(status: number, body: unknown): GraphApiError {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
  const details = (error['error_data'] as { details?: unknown } | undefined)?.details;
  return new GraphApiError(
    status,
    typeof error['code'] === 'number' ? error['code'] : 1,
    typeof error['message'] === 'string' ? error['message'] : `Graph answered ${status}`,
    typeof error['error_subcode'] === 'number' ? error['error_subcode'] : undefined,
    typeof details === 'string' ? details : undefined,
  );
}
