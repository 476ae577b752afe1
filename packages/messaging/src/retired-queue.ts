import type { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import type { Envelope } from '@integrations/contracts';
import type { Channel } from 'amqplib';
import { parse } from './consumer';
import { EXCHANGES } from './topology';
import type { EventHandler, MessagingLogger } from './types';

/** What one pass found: no such queue, a consumer of the old version still on it, messages left, or done. */
export type RetirementPass = 'absent' | 'in use' | 'draining' | 'retired';

const notFound = (error: unknown): undefined => {
  if ((error as { code?: unknown }).code === 404) return undefined;
  throw error;
};

/**
 * An event queue of an earlier version, retired without losing what is in it. While a consumer is still attached
 * (a replica of that version, during a rolling upgrade) it is left alone: that replica may take an event from a
 * queue it shares with this version and count on this one for the rest. Once none is left, the queue is unbound
 * from the events exchange and emptied through the handler with `basic.get` (so this replica never counts as its
 * consumer); its retry queues are deleted once empty (what waits in one comes back to the queue first); the queue
 * goes last, after a final drain. A message the handler fails on goes back to the queue and ends the pass; the
 * queue's delivery limit parks one that always fails in its dead queue, which is kept for the operators. Each
 * step uses a channel of its own: the broker closes a channel on a missing queue or a refused delete.
 */
export class RetiredEventQueue {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly amqp: AmqpConnection,
    private readonly opts: {
      queue: string;
      patterns: readonly string[];
      handler: EventHandler;
      retryQueues: readonly string[];
      logger?: MessagingLogger;
    },
  ) {}

  /** A pass now and one every `everyMs` until the queue is gone. */
  start(everyMs: number): void {
    const tick = () => {
      if (this.running) return;
      this.running = this.pass()
        .then(
          (outcome) => {
            if (outcome === 'absent' || outcome === 'retired') clearInterval(this.timer);
          },
          (error: unknown) => {
            this.opts.logger?.warn('retiring an old event queue failed; tried again later', {
              queue: this.opts.queue,
              error,
            });
          },
        )
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async pass(): Promise<RetirementPass> {
    const { queue, patterns, retryQueues } = this.opts;
    const state = await this.onChannel((channel) => channel.checkQueue(queue)).catch(notFound);
    if (!state) return 'absent';
    if (state.consumerCount > 0) return 'in use';
    await this.onChannel(async (channel) => {
      for (const pattern of patterns) await channel.unbindQueue(queue, EXCHANGES.events, pattern);
    });
    if (!(await this.drain())) return 'draining';
    for (const retry of retryQueues) {
      const deleted = await this.onChannel((channel) => channel.deleteQueue(retry, { ifEmpty: true })).then(
        () => true,
        () => false,
      );
      if (!deleted) return 'draining';
    }
    // Nothing reaches the queue any more: what is in it now is the last of it.
    if (!(await this.drain())) return 'draining';
    await this.onChannel((channel) => channel.deleteQueue(queue));
    this.opts.logger?.warn('old event queue drained and deleted', { queue });
    return 'retired';
  }

  /** Hands what is in the queue to the handler, one message at a time; false when one failed (it goes back). */
  private drain(): Promise<boolean> {
    return this.onChannel(async (channel) => {
      for (;;) {
        const msg = await channel.get(this.opts.queue, { noAck: false });
        if (msg === false) return true;
        let envelope: Envelope;
        try {
          envelope = parse(msg);
        } catch (error) {
          // Rejected without requeue: the queue dead-letters it to its dead queue, as its consumer would have.
          this.opts.logger?.warn('invalid message dead-lettered', { queue: this.opts.queue, error });
          channel.nack(msg, false, false);
          continue;
        }
        try {
          await this.opts.handler(envelope);
        } catch (error) {
          channel.nack(msg, false, true);
          this.opts.logger?.warn('event handler failed; the message goes back to the retired queue', {
            queue: this.opts.queue,
            type: envelope.type,
            error,
          });
          return false;
        }
        channel.ack(msg);
      }
    });
  }

  private async onChannel<T>(use: (channel: Channel) => Promise<T>): Promise<T> {
    const connection = this.amqp.managedConnection.connection;
    if (!connection) throw new Error('not connected to RabbitMQ');
    const channel = await connection.createChannel();
    // The operation's own promise carries the error; unheard, the event would crash the process.
    channel.on('error', () => undefined);
    try {
      return await use(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
}
