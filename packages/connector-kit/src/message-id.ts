import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/**
 * The id of an outbound message, made in one place: the id the caller gave (the api makes one for every request);
 * otherwise one derived from the envelope's idempotency key (another platform service sending with only a key gets
 * the same id for the same key, so a retried command finds the first attempt); otherwise a new one.
 */
export function messageIdOf(
  messageId: string | undefined,
  envelope: { userid: string; idempotencykey?: string },
): string {
  return messageId ?? idFromKey(envelope) ?? uuidv7();
}

/** A stable id from the user and the idempotency key (a `k` and 40 hex digits), or none without a key. */
export function idFromKey(envelope: { userid: string; idempotencykey?: string }): string | undefined {
  if (!envelope.idempotencykey) return undefined;
  return `k${createHash('sha256').update(`${envelope.userid}\n${envelope.idempotencykey}`).digest('hex').slice(0, 40)}`;
}
