import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Envelope } from '@integrations/contracts';
import type { EventBindings, Messaging } from '@integrations/messaging';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { TOKENS } from '../tokens';

/** How long the queue stays bound after the last stream closed: a page reload reopens within it. */
const UNBIND_GRACE_MS = 5_000;

/**
 * Fans events out to the browsers connected to this api instance. Each instance has its own transient queue,
 * so a user sees their events whichever replica holds their stream. The queue is bound to every event only
 * while a stream is open here: an instance nobody watches costs the broker no delivery per event. Streams have
 * no replay, so nothing a client could have seen is lost while it is unbound.
 */
@Injectable()
export class EventStream implements OnModuleInit {
  private readonly streams = new Map<string, Set<Response>>();
  private bindings: EventBindings | undefined;
  /** Streams holding the binding (opening or open). */
  private holders = 0;
  private unbindTimer: NodeJS.Timeout | undefined;

  constructor(@Inject(TOKENS.messaging) private readonly messaging: Messaging) {}

  async onModuleInit(): Promise<void> {
    this.bindings = await this.messaging.consumeEvents({
      queue: `api.sse.${randomUUID()}`,
      patterns: ['#'],
      transient: true,
      bound: false,
      handler: async (envelope) => this.dispatch(envelope),
    });
  }

  /**
   * Holds the queue's binding for a stream about to open: resolves once the broker routes every event here, so
   * an event published after the stream is answered reaches it. The returned release (idempotent) lets it go;
   * the queue is unbound once no stream has held it for the grace period.
   */
  async hold(): Promise<() => void> {
    this.holders += 1;
    clearTimeout(this.unbindTimer);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      if (this.holders === 0) this.unbindLater();
    };
    try {
      await this.bindings?.bind();
    } catch (error) {
      release();
      throw error;
    }
    return release;
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

  private unbindLater(): void {
    this.unbindTimer = setTimeout(() => {
      // A failed unbind (the channel closed under it) is no loss: the reconnect applies the unbound state.
      if (this.holders === 0) this.bindings?.unbind().catch(() => undefined);
    }, UNBIND_GRACE_MS);
    this.unbindTimer.unref();
  }

  private dispatch(envelope: Envelope): void {
    const targets = this.streams.get(envelope.userid);
    if (!targets) return;
    const frame = `id: ${envelope.id}\nevent: ${envelope.type}\ndata: ${JSON.stringify({ type: envelope.type, time: envelope.time, data: envelope.data })}\n\n`;
    for (const res of targets) res.write(frame);
  }
}
