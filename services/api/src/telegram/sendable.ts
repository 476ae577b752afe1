import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/**
 * How long a resource the connector accepted a send through is taken as still sendable by the same user. Changes
 * made through this replica (pause, remove) forget it at once; one made elsewhere (another replica, an AMQP
 * command) is noticed within this time, and a send accepted meanwhile still fails with its reason at the
 * connector, visible at `GET /messages/{id}` and in the `telegram.message.failed` event.
 */
export const SENDABLE_TTL_MS = 30_000;

/**
 * What this api replica has learnt, from the connector's own answers, about where a user may send: a bot whose
 * last send the connector accepted for that user. An async send through it is accepted with one confirmed publish
 * instead of a request/reply (ADR 0015). Only the connector's answer teaches it, so another user's resource is
 * never taken as sendable, and a miss costs nothing but the usual round trip.
 */
@Injectable()
export class SendableResources {
  private readonly known = new LRUCache<string, string>({ max: 10_000, ttl: SENDABLE_TTL_MS });

  isSendable(userId: string, resource: string): boolean {
    return this.known.get(resource) === userId;
  }

  learn(userId: string, resource: string): void {
    this.known.set(resource, userId);
  }

  forget(resource: string): void {
    this.known.delete(resource);
  }
}
