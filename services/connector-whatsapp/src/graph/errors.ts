import { BreakerOpenError, CallTimeoutError } from '@integrations/connector-kit';
import { DomainError, type ErrorCode } from '@integrations/contracts';
import { GraphApiError, GraphUnreachableError } from './graph-client';

/** A failure with Meta's code kept beside ours (the message's `error.metaCode`). */
export class WhatsAppError extends DomainError {
  constructor(
    code: ErrorCode,
    detail: string,
    readonly metaCode?: number,
    extra: { retryAfter?: number } = {},
  ) {
    super(code, detail, extra);
  }
}

/**
 * Meta's codes that name what went wrong with a message (a synchronous answer or a `failed` status webhook), in
 * the contract's codes. Meta's reference: "WhatsApp Cloud API error codes".
 */
const BY_META_CODE: Record<number, { code: ErrorCode; detail: string; retryAfter?: number }> = {
  131047: {
    code: 'WHATSAPP_WINDOW_CLOSED',
    detail: 'More than 24 hours since the customer last wrote: only a template can be sent now.',
  },
  131026: {
    code: 'WHATSAPP_UNDELIVERABLE',
    detail: 'WhatsApp could not deliver the message to this number.',
  },
  132001: {
    code: 'WHATSAPP_TEMPLATE_NOT_FOUND',
    detail: 'No approved template of this name in this language.',
  },
  132000: {
    code: 'WHATSAPP_TEMPLATE_PARAMETERS',
    detail: "The parameters do not match the template's placeholders.",
  },
  130429: {
    code: 'WHATSAPP_RATE_LIMITED',
    detail: "The number's throughput at Meta is used up.",
    retryAfter: 1,
  },
  131056: {
    code: 'WHATSAPP_PAIR_RATE_LIMITED',
    detail: 'Too many messages to this customer in a short time.',
    retryAfter: 6,
  },
};

/** The error of a `failed` status webhook (`errors[0]`): Meta's code in ours, its title in the detail. */
export function statusError(metaCode: number | null, title: string | null): WhatsAppError {
  const known = metaCode === null ? undefined : BY_META_CODE[metaCode];
  if (known) return new WhatsAppError(known.code, known.detail, metaCode ?? undefined);
  return new WhatsAppError(
    'WHATSAPP_SEND_FAILED',
    `WhatsApp failed the message${metaCode === null ? '' : ` (code ${metaCode})`}${title ? `: ${title}` : ''}.`,
    metaCode ?? undefined,
  );
}

/** What a Graph API failure means for our caller, in the contract's codes (never the token or the payload). */
export function toDomainError(error: unknown, context: 'connect' | 'send'): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof BreakerOpenError)
    return new WhatsAppError(
      'WHATSAPP_UNAVAILABLE',
      'The WhatsApp Cloud API is failing; sending is paused for a moment.',
      undefined,
      { retryAfter: Math.ceil(error.retryAfterMs / 1000) },
    );
  // It may have reached Meta: never sent again blindly.
  if (error instanceof CallTimeoutError)
    return new WhatsAppError(
      'WHATSAPP_UNAVAILABLE',
      'The WhatsApp Cloud API did not answer in time.',
      undefined,
      {
        retryAfter: 5,
      },
    );
  if (error instanceof GraphUnreachableError)
    return new WhatsAppError(
      'WHATSAPP_UNAVAILABLE',
      'The WhatsApp Cloud API could not be reached.',
      undefined,
      {
        retryAfter: 5,
      },
    );
  if (!(error instanceof GraphApiError))
    return new DomainError('INTERNAL', 'The call to WhatsApp failed unexpectedly.');
  const known = BY_META_CODE[error.code];
  if (known)
    return new WhatsAppError(known.code, known.detail, error.code, {
      ...(known.retryAfter ? { retryAfter: known.retryAfter } : {}),
    });
  if (error.code === 190)
    return new WhatsAppError(
      'WHATSAPP_TOKEN_INVALID',
      context === 'connect'
        ? 'Meta does not accept this access token.'
        : 'Meta no longer accepts the access token; connect the number again.',
      190,
    );
  // 100/33: the object does not exist or this token may not see it.
  if (error.code === 100 && error.subcode === 33)
    return new WhatsAppError(
      'WHATSAPP_TOKEN_INVALID',
      'This access token cannot reach this phone number id.',
      100,
    );
  if (error.code === 100)
    return new WhatsAppError(
      'VALIDATION_FAILED',
      `Meta refused the request: ${error.details ?? error.message}`.slice(0, 500),
      100,
    );
  if (error.status >= 500 || error.code === 131000 || error.code === 1 || error.code === 2)
    return new WhatsAppError(
      'WHATSAPP_UNAVAILABLE',
      `Meta answered ${error.status} (code ${error.code}).`,
      error.code,
      {
        retryAfter: 5,
      },
    );
  return new WhatsAppError(
    'WHATSAPP_SEND_FAILED',
    `Meta refused the message (code ${error.code}).`,
    error.code,
  );
}

/** Meta's code of a failure, when it had one. */
export function metaCodeOf(error: DomainError): number | undefined {
  return error instanceof WhatsAppError ? error.metaCode : undefined;
}
