import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Envelope } from '@integrations/contracts';
import type { Messaging } from '@integrations/messaging';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { TOKENS } from '../tokens';

/**
 * Fans events out to the browsers connected to this api instance. Each instance has its own transient queue
 * bound to every event, so a user sees their events whichever replica holds their stream.
 */
@Injectable()
export class EventStream implements OnModuleInit {
  private readonly streams = new Map<string, Set<Response>>();

  constructor(@Inject(TOKENS.messaging) private readonly messaging: Messaging) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.consumeEvents({
      queue: `api.sse.${randomUUID()}`,
      patterns: ['#'],
      transient: true,
      handler: async (envelope) => this.dispatch(envelope),
    });
  }

  /** How many streams the user has open on this instance. */
  openFor(userId: string): number {
    return this.streams.get(userId)?.size ?? 0;
  }

  subscribe(userId: string, res: Response): () => void {
    let set = this.streams.get(userId);
    if (!set) this.streams.set(userId, (set = new Set()));
    set.add(res);
    return () => {
      set.delete(res);
      if (set.size === 0) this.streams.delete(userId);
    };
  }

  closeAll(): void {
    for (const set of this.streams.values()) for (const res of set) res.end();
    this.streams.clear();
  }

  private dispatch(envelope: Envelope): void {
    const targets = this.streams.get(envelope.userid);
    if (!targets) return;
    const frame = `id: ${envelope.id}\nevent: ${envelope.type}\ndata: ${JSON.stringify({ type: envelope.type, time: envelope.time, data: envelope.data })}\n\n`;
    for (const res of targets) res.write(frame);
  }
}
