import type { Reply, ReplyError } from '@integrations/contracts';

export function failed(error: ReplyError): Reply<never> {
  return { ok: false, error };
}

export function isReply<R>(value: unknown): value is Reply<R> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}
