import type { Envelope } from '@integrations/contracts';
import { v7 as uuidv7 } from 'uuid';
import type { NewDelivery, Subscription } from './deliveries.repository';
import { topicMatches } from './patterns';

/**
 * The deliveries a batch of events makes: one per event and matching subscription of the event's owner (never
 * anyone else's). The payload is the Standard Webhooks shape, with the event's data exactly as its schema in
 * `schemas/events`.
 */
export function deliveriesFor(
  envelopes: readonly Envelope[],
  subscriptions: readonly Subscription[],
): NewDelivery[] {
  const byUser = new Map<string, Subscription[]>();
  for (const s of subscriptions) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
  const now = new Date();
  return envelopes.flatMap((envelope) => {
    const matching = (byUser.get(envelope.userid) ?? []).filter((s) =>
      s.patterns.some((pattern) => topicMatches(pattern, envelope.type)),
    );
    if (matching.length === 0) return [];
    const payload = JSON.stringify({ type: envelope.type, timestamp: envelope.time, data: envelope.data });
    return matching.map((s) => ({
      id: uuidv7(),
      webhook_id: s.id,
      user_id: envelope.userid,
      event_id: envelope.id,
      event_type: envelope.type,
      payload,
      status: 'pending' as const,
      next_attempt_at: now,
    }));
  });
}
