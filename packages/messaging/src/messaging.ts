import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import {
  DomainError,
  ENVELOPE_CONTENT_TYPE,
  TRACEPARENT_HEADER,
  type Envelope,
  type Reply,
  type ReplyError,
  validateEnvelope,
  validateMessageData,
  validateReplyData,
} from '@integrations/contracts';
import {
  SpanKind,
  currentTraceparent,
  hasActiveSpan,
  inSpan,
  redactText,
  queueMetrics,
  withRemoteContext,
  type Registry,
} from '@integrations/observability';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import { makeEnvelope, type MessageContext } from './envelope';
import { RpcClient } from './rpc-client';
import {
  REDACTED_HEADER,
  SEALED_HEADER,
  carriesSecrets,
  redactSecrets,
  sealSecrets,
  unsealSecrets,
  type FieldSealer,
} from './secret-fields';
import {
  EXCHANGES,
  PRIORITIES,
  RETRY_DELAYS_MS,
  bindingsFor,
  deadQueueName,
  keyedQueueArguments,
  queueNames,
  retryQueueArguments,
  routingKeyFor,
  workQueueArguments,
  type ExchangeAlias,
  type Priority,
} from './topology';

/** The log methods the messaging layer uses: the services' winston logger fits, and so does `console`. */
export interface MessagingLogger {
  debug(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export interface MessagingOptions {
  url: string;
  /** The service name: the envelope's `source` and the connection's name in RabbitMQ. */
  service: string;
  logger?: MessagingLogger;
  registry?: Registry;
  prefetch?: number;
  /** How long `connect` waits for the broker before failing. */
  connectTimeoutMs?: number;
  /** Back-off of the retry queues (tests shorten it). */
  retryDelaysMs?: readonly number[];
  /**
   * Seals a command's secret fields (token, password, login code) before the command is published (the api) or
   * waits in a retry queue (a connector); the consumer opens them with the same key. Without one, a command
   * carrying a secret is published as it is and not retried through the broker: dead-lettered (redacted) at once.
   */
  sealer?: FieldSealer;
  /** How long a dead letter is kept (per-message TTL); 7 days by default. */
  deadLetterTtlMs?: number;
}

/** Dead letters expire: a week is enough to look at and redeliver them, and nothing piles up for ever. */
const DEAD_LETTER_TTL_MS = 7 * 24 * 3600 * 1000;

export type CommandHandler = (
  envelope: Envelope,
  meta: { priority: Priority; redelivered: boolean },
) => Promise<unknown>;
export type EventHandler = (envelope: Envelope) => Promise<void>;

interface Lane {
  /** The work queue this lane consumes. */
  queue: string;
  /** Where messages that cannot be handled are parked. */
  deadQueue: string;
  /** The metric label: high, mid, low or events. */
  label: string;
  priority: Priority;
  /** Transient lanes (a per-instance fan-out queue) neither retry nor dead-letter. */
  transient: boolean;
}

/** Returned by a lane's handler that passed the message on: the final consumer answers, not this one. */
const FORWARDED = Symbol('forwarded');

/** AMQP message priority of each lane, kept when a command is forwarded into a single (priority) queue. */
const LANE_PRIORITY: Record<Priority, number> = { high: 3, mid: 2, low: 1 };

/** A consumer that can be stopped on its own (a shard handed to another replica). */
export interface StoppableConsumer {
  /** Stops taking messages, waits for those in hand to finish, and closes its channel (unacked ones go back). */
  stop(): Promise<void>;
}

const RETRY_HEADER = 'x-retry-count';
const REASON_HEADER = 'x-dead-reason';

class InvalidMessage extends Error {}
class SealedMessage extends Error {}

/**
 * The service's one RabbitMQ connection (golevelup's AmqpConnection over amqp-connection-manager: it reconnects
 * and re-runs the topology setup on its own). Every message is a validated CloudEvents envelope; publishing waits
 * for the broker's confirm; consumers retry through TTL queues with back-off and park what cannot be handled in
 * `<queue>.dead` with the reason, without ever crashing.
 */
export class Messaging {
  private readonly metrics;
  private readonly logger: MessagingLogger | undefined;
  private readonly retryDelays: readonly number[];

  private constructor(
    private readonly amqp: AmqpConnection,
    private readonly rpc: RpcClient,
    private readonly options: MessagingOptions,
  ) {
    this.logger = options.logger;
    this.retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
    this.metrics = options.registry ? queueMetrics(options.registry) : undefined;
  }

  static async connect(options: MessagingOptions): Promise<Messaging> {
    const logger = options.logger;
    const amqp = new AmqpConnection({
      uri: options.url,
      name: options.service,
      prefetchCount: options.prefetch ?? 20,
      exchanges: Object.values(EXCHANGES).map((name) => ({
        name,
        type: 'topic',
        options: { durable: true },
      })),
      connectionInitOptions: { wait: true, timeout: options.connectTimeoutMs ?? 10_000, reject: true },
      connectionManagerOptions: {
        heartbeatIntervalInSeconds: 5,
        reconnectTimeInSeconds: 1,
        // Nagle's algorithm turns a 0.5 ms request/reply into 40+ ms (ARCHITECTURE.md §4).
        connectionOptions: { noDelay: true, clientProperties: { connection_name: options.service } },
      },
      enableControllerDiscovery: false,
      registerHandlers: false,
      logger: {
        log: (message: string) => logger?.debug(message),
        error: (message: string) => logger?.warn(`amqp: ${message}`),
        warn: (message: string) => logger?.warn(`amqp: ${message}`),
        debug: (message: string) => logger?.debug(message),
        verbose: (message: string) => logger?.debug(message),
      },
    });
    await amqp.init();
    const rpc = new RpcClient(amqp.managedConnection);
    await rpc.waitForConnect();
    return new Messaging(amqp, rpc, options);
  }

  get service(): string {
    return this.options.service;
  }

  isConnected(): boolean {
    return this.amqp.connected;
  }

  makeEnvelope<T>(type: string, data: T, ctx: MessageContext): Envelope<T> {
    return makeEnvelope(this.options.service, type, data, ctx);
  }

  /** Publishes an event (validated, confirmed). Events that follow a state change go through the outbox instead. */
  async publishEvent<T>(type: string, data: T, ctx: MessageContext): Promise<Envelope<T>> {
    const envelope = this.makeEnvelope(type, data, ctx);
    await this.publishEnvelope('events', type, envelope);
    return envelope;
  }

  /** Fire-and-forget command (no reply), e.g. a bulk send at `mid` or maintenance at `low`. */
  async sendCommand<T>(
    type: string,
    data: T,
    ctx: MessageContext,
    opts: { priority?: Priority } = {},
  ): Promise<Envelope<T>> {
    const envelope = this.makeEnvelope(type, data, ctx);
    await this.publishEnvelope('commands', routingKeyFor(type, opts.priority ?? 'mid'), envelope);
    return envelope;
  }

  /**
   * Publishes a validated envelope and resolves once the broker confirmed it. Fails at once when disconnected,
   * rather than buffering in memory: the caller (the outbox relay, or a REST request) decides what to do.
   */
  async publishEnvelope(
    exchange: ExchangeAlias,
    routingKey: string,
    envelope: Envelope,
    extra: Options.Publish = {},
  ): Promise<void> {
    this.assertValid(envelope);
    if (!this.amqp.connected) throw new Error('RabbitMQ is not connected');
    const publish = () =>
      inSpan(
        `${envelope.type} publish`,
        {
          'messaging.system': 'rabbitmq',
          'messaging.destination.name': EXCHANGES[exchange],
          'messaging.rabbitmq.destination.routing_key': routingKey,
          'messaging.message.id': envelope.id,
        },
        async () => {
          // A command's secret fields leave sealed when this service has a key (the consumer opens them).
          const sealed = exchange === 'commands' ? await this.sealForPublish(envelope) : undefined;
          await this.amqp.publish(
            EXCHANGES[exchange],
            routingKey,
            sealed?.content ?? envelope,
            // The header names this publish span, so the consumer's span becomes its child.
            this.publishOptions(
              envelope,
              withTraceHeader({ ...extra, headers: { ...extra.headers, ...sealed?.headers } }),
            ),
          );
        },
        SpanKind.PRODUCER,
      );
    // The outbox relay publishes outside any request: it continues the trace the envelope was made in.
    await (hasActiveSpan() ? publish() : withRemoteContext(envelope.traceparent, publish));
  }

  /**
   * Sends a command and waits for its reply (direct reply-to). A timeout answers UPSTREAM_TIMEOUT instead of
   * throwing, so the api turns it into a 504 like any other failed reply.
   */
  async request<R>(
    type: string,
    data: unknown,
    ctx: MessageContext,
    opts: { timeoutMs?: number; priority?: Priority } = {},
  ): Promise<Reply<R>> {
    // Validated before anything goes out, so a bad request fails the same way whether the broker is up or not.
    this.assertValid(this.makeEnvelope(type, data, ctx));
    if (!this.amqp.connected) {
      return failed({
        code: 'UPSTREAM_TIMEOUT',
        status: 504,
        detail: 'The message broker is not reachable; try again shortly.',
      });
    }
    const timeout = opts.timeoutMs ?? 10_000;
    return inSpan(
      `${type} request`,
      { 'messaging.system': 'rabbitmq', 'messaging.destination.name': EXCHANGES.commands },
      async (span) => {
        // Made inside the span, so the consumer's work continues this trace as a child of the request.
        const envelope = this.makeEnvelope(type, data, { ...ctx, traceparent: currentTraceparent() });
        span.setAttribute('messaging.message.id', envelope.id);
        // The request expires with its caller: nobody would read a late reply.
        const sealed = await this.sealForPublish(envelope);
        const content = await this.rpc.call(
          EXCHANGES.commands,
          routingKeyFor(type, opts.priority ?? 'high'),
          sealed?.content ?? Buffer.from(JSON.stringify(envelope)),
          this.publishOptions(
            envelope,
            withTraceHeader({ persistent: false, headers: sealed?.headers ?? {} }),
          ),
          timeout,
        );
        if (!content) {
          return failed({
            code: 'UPSTREAM_TIMEOUT',
            status: 504,
            detail: `No answer from the ${type.split('.').slice(0, 2).join(' ')} service in time.`,
          });
        }
        let reply: unknown;
        try {
          reply = JSON.parse(content.toString('utf8'));
        } catch {
          reply = undefined;
        }
        return isReply<R>(reply)
          ? reply
          : failed({ code: 'INTERNAL', status: 500, detail: 'Malformed reply.' });
      },
      SpanKind.CLIENT,
    );
  }

  /**
   * Consumes commands on `<queue>.high|mid|low`. The handler's return value is the reply's data; a DomainError is
   * a failed reply (not retried); any other error is retried with back-off and finally dead-lettered.
   */
  async consumeCommands(opts: {
    queue: string;
    bindings: string[];
    handler: CommandHandler;
    priorities?: readonly Priority[];
  }): Promise<void> {
    for (const lane of await this.declareCommandLanes(opts.queue, opts.bindings, opts.priorities)) {
      await this.subscribe(lane, (envelope, msg) =>
        opts.handler(envelope, { priority: lane.priority, redelivered: msg.fields.redelivered }),
      );
    }
  }

  /**
   * Consumes events matching `patterns`. A durable queue shares the work between replicas; `transient: true`
   * gives this instance its own exclusive queue (fan-out to every replica, e.g. the api's SSE stream).
   */
  async consumeEvents(opts: {
    queue: string;
    patterns: string[];
    handler: EventHandler;
    transient?: boolean;
  }): Promise<void> {
    const deadQueue = deadQueueName(opts.queue);
    const lane: Lane = {
      queue: opts.queue,
      deadQueue,
      label: 'events',
      priority: 'mid',
      transient: opts.transient === true,
    };
    if (!lane.transient) await this.declareDeadQueue(opts.queue, deadQueue);
    await this.declareLane(lane, opts.queue, opts.patterns, EXCHANGES.events);
    await this.subscribe(lane, async (envelope) => {
      await opts.handler(envelope);
      return undefined;
    });
  }

  /**
   * Moves commands from `<queue>.high|mid|low` to `exchange`, routed by `route(envelope)` (a shard), keeping every
   * property (reply-to, correlation id, trace) and the lane as the message priority. The broker confirms the copy
   * before the original is acked: a crash in between duplicates, never loses. Invalid messages are dead-lettered
   * and answered here, as by any consumer.
   */
  async forwardCommands(opts: {
    queue: string;
    bindings: string[];
    exchange: string;
    route: (envelope: Envelope) => string;
  }): Promise<void> {
    for (const lane of await this.declareCommandLanes(opts.queue, opts.bindings)) {
      await this.subscribe(lane, async (envelope, msg) => {
        await this.amqp.publish(opts.exchange, opts.route(envelope), msg.content, {
          ...msg.properties,
          priority: LANE_PRIORITY[lane.priority],
        });
        return FORWARDED;
      });
    }
  }

  /**
   * Declares a durable direct exchange and, bound to it by their own names, one priority queue per key (with
   * its retry queues, dead-lettering into `<deadKey>.dead`). The queues outlive their consumers, so commands for
   * a shard wait there while it changes hands.
   */
  async declareKeyedQueues(exchange: string, queues: string[], deadKey: string): Promise<void> {
    await this.declareDeadQueue(deadKey, deadQueueName(deadKey));
    await this.addSetup(async (channel) => {
      await channel.assertExchange(exchange, 'direct', { durable: true });
      for (const queue of queues) {
        const names = queueNames(queue);
        await channel.assertQueue(names.work, { durable: true, arguments: keyedQueueArguments(deadKey) });
        for (const [i, delay] of this.retryDelays.entries()) {
          await channel.assertQueue(names.retry(i + 1), {
            durable: true,
            arguments: retryQueueArguments(names.work, delay),
          });
        }
        await channel.bindQueue(queue, exchange, queue);
      }
    });
  }

  /**
   * Consumes one queue declared by `declareKeyedQueues` on a channel of its own, until `stop()`. Replies, retries
   * and dead letters work as in `consumeCommands`; the consumer survives reconnects until stopped.
   */
  async consumeUntilStopped(opts: {
    queue: string;
    deadKey: string;
    handler: CommandHandler;
    prefetch?: number;
  }): Promise<StoppableConsumer> {
    const lane: Lane = {
      queue: opts.queue,
      deadQueue: deadQueueName(opts.deadKey),
      label: 'shard',
      priority: 'mid',
      transient: false,
    };
    const inHand = new Set<Promise<void>>();
    const channel = this.amqp.managedConnection.createChannel({
      name: `${this.options.service}:${opts.queue}`,
    });
    // A setup cut short by a lost connection is emitted as 'error' (unhandled, it would crash the process); the
    // wrapper sets the channel up again on the next connect.
    channel.on('error', (error: unknown) =>
      this.logger?.warn('shard channel setup failed; it is retried on reconnect', {
        queue: opts.queue,
        error,
      }),
    );
    await channel.waitForConnect();
    // Delivery tags start again on every reconnected channel: a message from an older channel must not be acked
    // on the new one (it would ack someone else's); the broker has already requeued it.
    let generation = 0;
    channel.on('connect', () => (generation += 1));
    const { consumerTag } = await channel.consume(
      opts.queue,
      (msg) => {
        const born = generation;
        const work = this.process(lane, msg, (envelope, m) =>
          opts.handler(envelope, { priority: priorityOf(m), redelivered: m.fields.redelivered }),
        ).finally(() => {
          if (born !== generation) return;
          try {
            channel.ack(msg);
          } catch {
            // The channel is closing: the broker redelivers the message.
          }
        });
        inHand.add(work);
        void work.finally(() => inHand.delete(work));
      },
      { prefetch: opts.prefetch ?? 20 },
    );
    return {
      stop: async () => {
        await channel.cancel(consumerTag).catch(() => undefined);
        await Promise.allSettled([...inHand]);
        await channel.close();
      },
    };
  }

  async close(): Promise<void> {
    await this.rpc.close();
    await this.amqp.managedConnection.close();
  }

  // ---------------------------------------------------------------------------------------------------------

  /** The envelope with its secret fields sealed, and the header naming them; undefined when there is nothing to seal. */
  private async sealForPublish(
    envelope: Envelope,
  ): Promise<{ content: Buffer; headers: Record<string, string> } | undefined> {
    const { sealer } = this.options;
    if (!sealer) return undefined;
    const raw = Buffer.from(JSON.stringify(envelope));
    if (!carriesSecrets(raw)) return undefined;
    const sealed = await sealSecrets(raw, sealer);
    return { content: sealed.content, headers: { [SEALED_HEADER]: sealed.fields.join(',') } };
  }

  private publishOptions(envelope: Envelope, extra: Options.Publish): Options.Publish {
    return {
      persistent: true,
      contentType: ENVELOPE_CONTENT_TYPE,
      messageId: envelope.id,
      type: envelope.type,
      timestamp: Math.floor(Date.parse(envelope.time) / 1000),
      ...extra,
      headers: {
        ...(envelope.traceparent ? { [TRACEPARENT_HEADER]: envelope.traceparent } : {}),
        ...extra.headers,
      },
    };
  }

  private assertValid(envelope: Envelope): void {
    const result = validateEnvelope(envelope);
    const data = result.valid ? validateMessageData(envelope.type, envelope.data) : result;
    if (!data.valid) {
      throw new DomainError('VALIDATION_FAILED', `invalid ${envelope.type} message`, { errors: data.errors });
    }
  }

  /** Declared on every (re)connect, so a reset broker gets its topology back without a restart. */
  private async addSetup(setup: (channel: Channel) => Promise<void>): Promise<void> {
    await this.amqp.managedChannel.addSetup(setup);
  }

  /** A command queue's high/mid/low lanes bound to the commands exchange, and its dead-letter queue. */
  private async declareCommandLanes(
    queue: string,
    bindings: string[],
    priorities: readonly Priority[] = PRIORITIES,
  ): Promise<Lane[]> {
    const deadQueue = deadQueueName(queue);
    await this.declareDeadQueue(queue, deadQueue);
    const lanes: Lane[] = [];
    for (const priority of priorities) {
      const lane: Lane = {
        queue: `${queue}.${priority}`,
        deadQueue,
        label: priority,
        priority,
        transient: false,
      };
      const keys = bindings.flatMap((b) => bindingsFor(b, priority));
      await this.declareLane(lane, queue, keys, EXCHANGES.commands);
      lanes.push(lane);
    }
    return lanes;
  }

  private async declareDeadQueue(queue: string, deadQueue: string): Promise<void> {
    await this.addSetup(async (channel) => {
      await channel.assertQueue(deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await channel.bindQueue(deadQueue, EXCHANGES.dlx, queue);
    });
  }

  private async declareLane(
    lane: Lane,
    deadKey: string,
    bindings: string[],
    exchange: string,
  ): Promise<void> {
    await this.addSetup(async (channel) => {
      if (lane.transient) {
        await channel.assertQueue(lane.queue, { durable: false, exclusive: true, autoDelete: true });
      } else {
        const names = queueNames(lane.queue);
        await channel.assertQueue(names.work, {
          durable: true,
          arguments: workQueueArguments(deadKey, lane.label === 'events' ? 'events' : lane.priority),
        });
        for (const [i, delay] of this.retryDelays.entries()) {
          await channel.assertQueue(names.retry(i + 1), {
            durable: true,
            arguments: retryQueueArguments(names.work, delay),
          });
        }
      }
      for (const binding of bindings) await channel.bindQueue(lane.queue, exchange, binding);
    });
  }

  private async subscribe(
    lane: Lane,
    handle: (envelope: Envelope, msg: ConsumeMessage) => Promise<unknown>,
  ): Promise<void> {
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
          this.logger?.error('message handling crashed', { queue: lane.queue, error });
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

  private async process(
    lane: Lane,
    received: ConsumeMessage,
    handle: (envelope: Envelope, msg: ConsumeMessage) => Promise<unknown>,
  ): Promise<void> {
    this.metrics?.tasksTotal.inc({ queue: lane.label });
    let envelope: Envelope;
    let msg = received;
    try {
      msg = await this.unsealed(received);
      envelope = this.parse(msg);
    } catch (error) {
      this.metrics?.tasksError.inc({ queue: lane.label });
      const reason =
        error instanceof InvalidMessage || error instanceof SealedMessage
          ? error.message
          : 'unreadable message';
      this.logger?.warn('invalid message dead-lettered', {
        queue: lane.queue,
        reason,
        routingKey: msg.fields.routingKey,
      });
      if (!lane.transient) await this.deadLetter(lane, msg, reason);
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
            this.metrics?.tasksError.inc({ queue: lane.label });
            if (error instanceof DomainError) {
              await this.replyIfAsked(msg, { ok: false, error: error.toReplyError() });
              return;
            }
            await this.retryOrDeadLetter(lane, msg, envelope, attempt, error);
          }
        },
        SpanKind.CONSUMER,
      ),
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

  private parse(msg: ConsumeMessage): Envelope {
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

  private successReply(type: string, data: unknown): Reply<unknown> {
    const payload = data ?? {};
    const check = validateReplyData(type, payload);
    if (!check.valid) {
      // A handler answered something the contract does not allow: a bug on our side, never shown to the caller.
      this.logger?.error('reply does not match its schema', { type, errors: check.errors });
      return failed({ code: 'INTERNAL', status: 500, detail: 'The service produced an invalid answer.' });
    }
    return { ok: true, data: payload };
  }

  private async replyIfAsked(msg: ConsumeMessage, reply: Reply<unknown>): Promise<void> {
    const { replyTo, correlationId } = msg.properties;
    if (!replyTo) return;
    try {
      await this.amqp.publish('', replyTo, reply, { correlationId, contentType: 'application/json' });
    } catch (error) {
      this.logger?.warn('could not send a reply', { error });
    }
  }

  private async retryOrDeadLetter(
    lane: Lane,
    msg: ConsumeMessage,
    envelope: Envelope,
    attempt: number,
    error: unknown,
  ): Promise<void> {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'handler failed';
    if (lane.transient) {
      this.logger?.warn('event handler failed (transient queue, dropped)', { type: envelope.type, error });
      return;
    }
    const secret = carriesSecrets(msg.content);
    if (attempt < this.retryDelays.length && (!secret || this.options.sealer)) {
      this.logger?.warn('message handling failed; retrying', {
        type: envelope.type,
        attempt: attempt + 1,
        error,
      });
      // A secret never waits in a retry queue in plain text: sealed with the consuming service's key.
      const { sealer } = this.options;
      const sealed =
        secret && sealer ? await sealSecrets(msg.content, sealer) : { content: msg.content, fields: [] };
      const headers: Record<string, unknown> = { ...msg.properties.headers, [RETRY_HEADER]: attempt + 1 };
      delete headers[SEALED_HEADER];
      if (sealed.fields.length > 0) headers[SEALED_HEADER] = sealed.fields.join(',');
      // Confirmed before the original is acked: a crash in between gives a duplicate, never a loss.
      await this.amqp.publish('', queueNames(lane.queue).retry(attempt + 1), sealed.content, {
        ...msg.properties,
        headers,
      });
      return;
    }
    this.logger?.error('message handling failed for good; dead-lettered', { type: envelope.type, error });
    // Parked before the caller hears of it, so what the caller sees is already on record.
    await this.deadLetter(lane, msg, reason);
    await this.replyIfAsked(
      msg,
      failed({ code: 'INTERNAL', status: 500, detail: 'The request could not be processed.' }),
    );
  }

  /**
   * Parks a message in `<queue>.dead`: secret fields replaced by `[REDACTED]` (named in a header), the reason
   * redacted, and a per-message TTL so dead letters do not stay for ever.
   */
  private async deadLetter(lane: Lane, msg: ConsumeMessage, reason: string): Promise<void> {
    const deadKey = lane.deadQueue.slice(0, -'.dead'.length);
    const redacted = redactSecrets(msg.content);
    const headers: Record<string, unknown> = {
      ...msg.properties.headers,
      [REASON_HEADER]: redactText(reason).slice(0, 1000),
      'x-original-queue': lane.queue,
      'x-original-routing-key': msg.fields.routingKey,
    };
    delete headers[SEALED_HEADER];
    if (redacted.fields.length > 0) headers[REDACTED_HEADER] = redacted.fields.join(',');
    await this.amqp.publish(EXCHANGES.dlx, deadKey, redacted.content, {
      ...msg.properties,
      replyTo: undefined,
      expiration: String(this.options.deadLetterTtlMs ?? DEAD_LETTER_TTL_MS),
      headers,
    });
  }
}

/** The active span as the message's `traceparent` header, when there is one. */
function withTraceHeader(extra: Options.Publish): Options.Publish {
  const traceparent = currentTraceparent();
  return traceparent ? { ...extra, headers: { ...extra.headers, traceparent } } : extra;
}

function priorityOf(msg: ConsumeMessage): Priority {
  const level = msg.properties.priority as number | undefined;
  return level === LANE_PRIORITY.high ? 'high' : level === LANE_PRIORITY.low ? 'low' : 'mid';
}

function failed(error: ReplyError): Reply<never> {
  return { ok: false, error };
}

function isReply<R>(value: unknown): value is Reply<R> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

function describe(errors: { path: string; message: string }[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.path} ${e.message}`)
    .join('; ');
}
