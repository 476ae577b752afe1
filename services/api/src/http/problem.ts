import { DomainError, ERROR_STATUS, type ErrorCode, type FieldError } from '@integrations/contracts';
import type { Response } from 'express';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  retryAfter?: number;
  errors?: FieldError[];
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'The request is not valid',
  UNAUTHORIZED: 'Authentication required',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  RATE_LIMITED: 'Too many requests',
  TELEGRAM_FLOOD_WAIT: 'Telegram asks to wait',
  TELEGRAM_UNAVAILABLE: 'Telegram is unavailable',
  UPSTREAM_TIMEOUT: 'No answer in time',
  INTERNAL: 'Internal error',
};

export function problemOf(error: DomainError, instance?: string): Problem {
  return {
    type: `https://integrations.local/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
    title:
      TITLES[error.code] ??
      error.code
        .toLowerCase()
        .replace(/_/g, ' ')
        .replace(/^./, (c) => c.toUpperCase()),
    status: ERROR_STATUS[error.code],
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

/** RFC 9457 answer; `Retry-After` whenever the error says when to come back. */
export function sendProblem(res: Response, error: DomainError, instance?: string): void {
  if (res.headersSent) return;
  const problem = problemOf(error, instance);
  // The request metrics count failures by this code (`api_request_error_total{code}`).
  res.locals['problemCode'] = problem.code;
  if (problem.retryAfter !== undefined)
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(problem.retryAfter))));
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
