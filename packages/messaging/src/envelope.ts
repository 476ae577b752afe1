import type { Envelope } from '@integrations/contracts';
import { currentTraceparent } from '@integrations/observability';
import { randomUUID } from 'node:crypto';

export interface MessageContext {
  /** The platform user the message acts for (the token's `sub`). */
  userId: string;
  requestId?: string;
  traceparent?: string;
  idempotencyKey?: string;
  admin?: boolean;
  subject?: string;
}

export function makeEnvelope<T>(source: string, type: string, data: T, ctx: MessageContext): Envelope<T> {
  const traceparent = ctx.traceparent ?? currentTraceparent();
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    userid: ctx.userId,
    ...(ctx.subject ? { subject: ctx.subject } : {}),
    ...(traceparent ? { traceparent } : {}),
    ...(ctx.idempotencyKey ? { idempotencykey: ctx.idempotencyKey } : {}),
    ...(ctx.requestId ? { requestid: ctx.requestId } : {}),
    ...(ctx.admin ? { useradmin: true } : {}),
  };
}

/** The context of a received envelope, to pass on to what it causes (events, further commands). */
export function contextOf(envelope: Envelope): MessageContext {
  return {
    userId: envelope.userid,
    ...(envelope.requestid ? { requestId: envelope.requestid } : {}),
    ...(envelope.idempotencykey ? { idempotencyKey: envelope.idempotencykey } : {}),
    ...(envelope.useradmin ? { admin: true } : {}),
  };
}
