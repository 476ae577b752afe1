import type { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import {
  DomainError,
  type Envelope,
  type Reply,
  validateEnvelope,
  validateMessageData,
  validateReplyData,
} from '@integrations/contracts';
import { SpanKind, inSpan, queueMetrics, withRemoteContext } from '@integrations/observability';
import type { Channel, ConsumeMessage, Message } from 'amqplib';
import type { Lane } from './lane';
import type { RpcClient } from './rpc-client';
import { failed } from './replies';
import { RETRY_HEADER, type RetryAndDeadLetter } from './retry';
import { SEALED_HEADER, unsealSecrets, type FieldSealer } from './secret-fields';
import type { MessagingLogger, StoppableConsumer } from './types';

/** Returned by a lane's handler that passed the message on: the final consumer answers, not this one. */
export const FORWARDED = Symbol('forwarded');

/** What a lane does with a message: its return value is the reply's data (or FORWARDED). */
export type LaneHandler = (envelope: Envelope, msg: ConsumeMessage) => Promise<unknown>;

class InvalidMessage extends Error {}
class SealedMessage extends Error {}

/**
 * Takes messages off lanes, never crashing: each is opened (sealed fields), parsed and validated, handled in a
 * CONSUMER span, and answered when its sender waits for a reply. A DomainError is a failed reply (not retried);
 * any other error is retried with back-off and finally dead-lettered; an invalid message is dead-lettered at once.
 */
export class Consumer {
  constructor(
    private readonly amqp: AmqpConnection,
    private readonly replies: Pick<RpcClient, 'reply'>,
    private readonly failures: RetryAndDeadLetter,
    private readonly options: {
      service: string;
      logger?: MessagingLogger;
      metrics?: ReturnType<typeof queueMetrics>;
      sealer?: FieldSealer;
    },
  ) {}

  /** Consumes a lane on the managed channel for the life of the connection. */
  async subscribe(lane: Lane, handle: LaneHandler): Promise<void> {
    await this.amqp.createSubscriber(
      async (_content: unknown, msg?: ConsumeMessage) => {
        if (msg) await this.process(lane, msg, handle);
        return undefined;
      },
      {
        queue: lane.queue,
        createQueueIfNotExists: false,
        // Raw bytes: parsing is ours, so that a malformed message is dead-lettered rather than crashing.
        deserializer: (content: Buffer) => content,
        // process() never throws; if it somehow did, requeueing would loop, so ack and log instead.
        errorHandler: (channel: Channel, msg: ConsumeMessage, error: unknown) => {
          this.options.logger?.error('message handling crashed', { queue: lane.queue, error });
          try {
            channel.ack(msg);
          } catch {
            // The channel is closing (shutdown or a lost connection): the broker redelivers the message anyway.
          }
        },
      },
      `${this.options.service}:${lane.queue}`,
    );
  }

  /** Consumes a lane on a channel of its own, until `stop()`; the consumer survives reconnects until stopped. */
  async consumeUntilStopped(lane: Lane, handle: LaneHandler, prefetch: number): Promise<StoppableConsumer> {
    const inHand = new Set<Promise<void>>();
    const channel = this.amqp.managedConnection.createChannel({
      name: `${this.options.service}:${lane.queue}`,
      // The prefetch is set in the channel's setup, awaited on every (re)connect. Given as a consume option, the
      // wrapper sends it without awaiting it: a connection lost before its answer rejected a promise nobody
      // handled, which crashes a service.
      setup: (raw: Channel) => raw.prefetch(prefetch),
    });
    // A setup cut short by a lost connection is emitted as 'error' (unhandled, it would crash the process); the
    // wrapper sets the channel up again on the next connect.
    channel.on('error', (error: unknown) =>
      this.options.logger?.warn('shard channel setup failed; it is retried on reconnect', {
        queue: lane.queue,
        error,
      }),
    );
    await channel.waitForConnect();
    // Delivery tags start again on every reconnected channel: a message from an older channel must not be acked
    // on the new one (it would ack someone else's); the broker has already requeued it.
    let generation = 0;
    channel.on('connect', () => (generation += 1));
    const subscribed = channel.consume(lane.queue, (msg) => {
      const born = generation;
      const work = this.process(lane, msg, handle).finally(() => {
        if (born !== generation) return;
        try {
          channel.ack(msg);
        } catch {
          // The channel is closing: the broker redelivers the message.
        }
      });
      inHand.add(work);
      void work.finally(() => inHand.delete(work));
    });
    let consumerTag: string;
    try {
      ({ consumerTag } = await subscribed);
    } catch (error) {
      // The wrapper keeps the consumer it was asked for and starts it again on the next connect: the caller, told
      // it failed (a shard handed back), would leave a consumer behind taking commands it no longer owns.
      await channel.close().catch(() => undefined);
      throw error;
    }
    return {
      stop: async () => {
        await channel.cancel(consumerTag).catch(() => undefined);
        await Promise.allSettled([...inHand]);
        // A channel whose connection died meanwhile has nothing left to close (the broker requeued what it held);
        // its failed close must not fail the stop.
        await channel.close().catch(() => undefined);
      },
    };
  }

  private async process(lane: Lane, received: ConsumeMessage, handle: LaneHandler): Promise<void> {
    const { metrics, logger } = this.options;
    metrics?.tasksTotal.inc({ queue: lane.label });
    let envelope: Envelope;
    let msg = received;
    try {
      msg = await this.unsealed(received);
      envelope = parse(msg);
    } catch (error) {
      metrics?.tasksError.inc({ queue: lane.label });
      const reason =
        error instanceof InvalidMessage || error instanceof SealedMessage
          ? error.message
          : 'unreadable message';
      logger?.warn('invalid message dead-lettered', {
        queue: lane.queue,
        reason,
        routingKey: msg.fields.routingKey,
      });
      if (!lane.transient) await this.failures.deadLetter(lane, msg, reason);
      await this.replyIfAsked(msg, failed({ code: 'VALIDATION_FAILED', status: 422, detail: reason }));
      return;
    }

    const attempt = Number(msg.properties.headers?.[RETRY_HEADER] ?? 0);
    const header = msg.properties.headers?.['traceparent'];
    const parent = typeof header === 'string' ? header : envelope.traceparent;
    await withRemoteContext(parent, () =>
      inSpan(
        `${envelope.type} process`,
        {
          'messaging.system': 'rabbitmq',
          'messaging.destination.name': lane.queue,
          'messaging.message.id': envelope.id,
          'messaging.retry': attempt,
        },
        async () => {
          try {
            // The handler sees the opened envelope; a forward passes on the message as received (still sealed).
            const data = await handle(envelope, received);
            // Only a request has a reply to check: an event or a fire-and-forget command answers no one.
            if (data !== FORWARDED && msg.properties.replyTo)
              await this.replyIfAsked(msg, this.successReply(envelope.type, data));
          } catch (error) {
            metrics?.tasksError.inc({ queue: lane.label });
            if (error instanceof DomainError) {
              await this.replyIfAsked(msg, { ok: false, error: error.toReplyError() });
              return;
            }
            await this.handlerFailed(lane, msg, envelope, attempt, error);
          }
        },
        SpanKind.CONSUMER,
      ),
    );
  }

  private async handlerFailed(
    lane: Lane,
    msg: ConsumeMessage,
    envelope: Envelope,
    attempt: number,
    error: unknown,
  ): Promise<void> {
    const { logger } = this.options;
    if (lane.transient) {
      logger?.warn('event handler failed (transient queue, dropped)', { type: envelope.type, error });
      return;
    }
    if (this.failures.canRetry(msg, attempt)) {
      logger?.warn('message handling failed; retrying', { type: envelope.type, attempt: attempt + 1, error });
      await this.failures.retry(lane, msg, attempt);
      return;
    }
    logger?.error('message handling failed for good; dead-lettered', { type: envelope.type, error });
    // Parked before the caller hears of it, so what the caller sees is already on record.
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'handler failed';
    await this.failures.deadLetter(lane, msg, reason);
    await this.replyIfAsked(
      msg,
      failed({ code: 'INTERNAL', status: 500, detail: 'The request could not be processed.' }),
    );
  }

  /** A message back from a retry queue, with its sealed secret fields opened again. */
  private async unsealed(msg: ConsumeMessage): Promise<ConsumeMessage> {
    const header = msg.properties.headers?.[SEALED_HEADER];
    if (typeof header !== 'string' || header === '') return msg;
    if (!this.options.sealer) throw new SealedMessage('sealed fields, and no key to open them');
    try {
      const content = await unsealSecrets(msg.content, header.split(','), this.options.sealer);
      return { ...msg, content };
    } catch {
      throw new SealedMessage('sealed fields that do not open');
    }
  }

  private successReply(type: string, data: unknown): Reply<unknown> {
    const payload = data ?? {};
    const check = validateReplyData(type, payload);
    if (!check.valid) {
      // A handler answered something the contract does not allow: a bug on our side, never shown to the caller.
      this.options.logger?.error('reply does not match its schema', { type, errors: check.errors });
      return failed({ code: 'INTERNAL', status: 500, detail: 'The service produced an invalid answer.' });
    }
    return { ok: true, data: payload };
  }

  private async replyIfAsked(msg: ConsumeMessage, reply: Reply<unknown>): Promise<void> {
    const { replyTo, correlationId } = msg.properties;
    if (!replyTo) return;
    try {
      await this.replies.reply(
        replyTo,
        correlationId as string | undefined,
        Buffer.from(JSON.stringify(reply)),
      );
    } catch (error) {
      this.options.logger?.warn('could not send a reply', { error });
    }
  }
}

/** The envelope of a message, validated with its data; throws if it is not a valid one. */
export function parse(msg: Pick<Message, 'content'>): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(msg.content.toString('utf8'));
  } catch {
    throw new InvalidMessage('the body is not JSON');
  }
  const envelope = validateEnvelope(value);
  if (!envelope.valid) throw new InvalidMessage(`not a valid envelope: ${describe(envelope.errors)}`);
  const typed = value as Envelope;
  const data = validateMessageData(typed.type, typed.data);
  if (!data.valid) throw new InvalidMessage(`invalid ${typed.type} data: ${describe(data.errors)}`);
  return typed;
}

function describe(errors: { path: string; message: string }[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.path} ${e.message}`)
    .join('; ');
}
