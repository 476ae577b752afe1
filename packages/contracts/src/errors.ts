import type { ErrorCodeName, FieldError, ReplyError } from './generated/types';

export type { FieldError, ReplyError };

/** Stable error codes and their HTTP statuses (the contract's table). */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTEGRATION_PAUSED: 409,
  TELEGRAM_TOKEN_INVALID: 422,
  TELEGRAM_PHONE_INVALID: 422,
  TELEGRAM_CODE_INVALID: 422,
  TELEGRAM_CODE_EXPIRED: 422,
  TELEGRAM_PASSWORD_INVALID: 422,
  TELEGRAM_CHAT_NOT_FOUND: 422,
  TELEGRAM_PEER_NOT_FOUND: 422,
  TELEGRAM_NOT_ADMIN: 422,
  TELEGRAM_WRITE_FORBIDDEN: 422,
  TELEGRAM_SESSION_REVOKED: 409,
  TELEGRAM_FLOOD_WAIT: 429,
  FLOW_EXPIRED: 410,
  TELEGRAM_UNAVAILABLE: 503,
  WHATSAPP_TOKEN_INVALID: 422,
  WHATSAPP_WINDOW_CLOSED: 422,
  WHATSAPP_UNDELIVERABLE: 422,
  WHATSAPP_TEMPLATE_NOT_FOUND: 422,
  WHATSAPP_TEMPLATE_PARAMETERS: 422,
  WHATSAPP_RATE_LIMITED: 429,
  WHATSAPP_PAIR_RATE_LIMITED: 429,
  WHATSAPP_SEND_FAILED: 422,
  WHATSAPP_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  INTERNAL: 500,
} as const satisfies Record<ErrorCodeName, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** `ErrorCode.NOT_FOUND === 'NOT_FOUND'`: the codes as values, for readable call sites. */
export const ErrorCode = Object.fromEntries(Object.keys(ERROR_STATUS).map((code) => [code, code])) as {
  readonly [K in ErrorCode]: K;
};

export type Reply<T> = { ok: true; data: T } | { ok: false; error: ReplyError };

/**
 * An expected failure with a stable code: handlers throw it, the messaging layer turns it into a failed reply
 * (never retried) and the api into problem+json. Anything else is a bug or an outage.
 */
export class DomainError extends Error {
  readonly status: number;
  readonly retryAfter?: number;
  readonly errors?: FieldError[];

  constructor(
    readonly code: ErrorCode,
    detail: string,
    extra: { retryAfter?: number; errors?: FieldError[] } = {},
  ) {
    super(detail);
    this.name = 'DomainError';
    this.status = ERROR_STATUS[code];
    if (extra.retryAfter !== undefined) this.retryAfter = extra.retryAfter;
    if (extra.errors !== undefined) this.errors = extra.errors;
  }

  toReplyError(): ReplyError {
    return {
      code: this.code,
      status: this.status,
      detail: this.message,
      ...(this.retryAfter !== undefined ? { retryAfter: this.retryAfter } : {}),
      ...(this.errors !== undefined ? { errors: this.errors } : {}),
    };
  }

  static fromReplyError(error: ReplyError): DomainError {
    return new DomainError(error.code, error.detail, { retryAfter: error.retryAfter, errors: error.errors });
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}
