import type { Response } from 'express';
import type { StoredResponse } from '../idempotency/idempotency.service';

/** Writes status and headers of a computed answer and returns its body for Nest to send. */
export function respond(res: Response, result: StoredResponse & { replayed?: boolean }): unknown {
  res.status(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return result.body;
}

/** `Prefer: respond-async` (RFC 7240): the caller wants 202 at once instead of waiting for Telegram. */
export function prefersAsync(prefer: string | undefined): boolean {
  return (prefer ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .includes('respond-async');
}
