import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import type { Envelope, Reply } from '@integrations/contracts';
import { queueMetrics, type Registry } from '@integrations/observability';
import type { ConsumeMessage, Options } from 'amqplib';
import { Consumer, FORWARDED } from './consumer';
import { makeEnvelope, type MessageContext } from './envelope';
import { LANE_PRIORITY, commandLanes, eventLane, priorityOf, shardLane } from './lane';
import { Publisher } from './publisher';
import { Requester, type RequestOptions } from './request-reply';
import { shardQueueFor, type ShardRouting } from './shards';
import { RetryAndDeadLetter } from './retry';
import { RpcClient } from './rpc-client';
import type { FieldSealer } from './secret-fields';
import {
  EXCHANGES,
  RETRY_DELAYS_MS,
  queueNames,
  routingKeyFor,
  type ExchangeAlias,
  type Priority,
} from './topology';
import { TopologySetup } from './topology-setup';
import { batchWritesPerTick, socketOf } from './write-batching';
import { RetiredEventQueue } from './retired-queue';
import type {
  CommandHandler,
  EventBindings,
  EventHandler,
  MessagingLogger,
  StoppableConsumer,
} from './types';

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

/**
 * The service's one RabbitMQ connection (golevelup's AmqpConnection over amqp-connection-manager: it reconnects
 * and re-runs the topology setup on its own), and the one object services use. It puts together the parts, one
 * concern each: the Publisher (validated envelopes, confirmed), the Requester (request/reply over direct
 * reply-to), the TopologySetup (queues, retry and dead queues) and the Consumer (never crashing, retrying through
 * TTL queues with back-off and parking what cannot be handled in its lane's dead queue with the reason).
 */
export class Messaging {
  private readonly publisher: Publisher;
  private readonly requester: Requester;
  private readonly topology: TopologySetup;
  private readonly consumer: Consumer;

  private constructor(
    private readonly amqp: AmqpConnection,
    private readonly rpc: RpcClient,
    private readonly options: MessagingOptions,
  ) {
    const retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
    this.publisher = new Publisher(amqp, options.sealer);
    this.requester = new Requester(
      rpc,
      this.publisher,
      () => this.amqp.connected,
      (type, data, ctx) => this.makeEnvelope(type, data, ctx),
    );
    this.topology = new TopologySetup(amqp, retryDelays);
    this.consumer = new Consumer(
      amqp,
      rpc,
      new RetryAndDeadLetter(amqp, {
        retryDelays,
        sealer: options.sealer,
        deadLetterTtlMs: options.deadLetterTtlMs,
      }),
      {
        service: options.service,
        logger: options.logger,
        metrics: options.registry ? queueMetrics(options.registry) : undefined,
        sealer: options.sealer,
      },
    );
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
    // Every (re)connection's socket sends the frames of a tick in one write: a handler's reply and its ack, the
    // publishes of a batch.
    const batchWrites = (connection: unknown) => {
      const socket = socketOf(connection);
      if (socket) batchWritesPerTick(socket);
    };
    await amqp.init();
    batchWrites(amqp.managedConnection.connection);
    amqp.managedConnection.on('connect', ({ connection }) => batchWrites(connection));
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
  publishEnvelope(
    exchange: ExchangeAlias,
    routingKey: string,
    envelope: Envelope,
    extra: Options.Publish = {},
  ): Promise<void> {
    return this.publisher.publishEnvelope(exchange, routingKey, envelope, extra);
  }

  /**
   * Sends a command and waits for its reply (direct reply-to). A timeout answers UPSTREAM_TIMEOUT instead of
   * throwing, so the api turns it into a 504 like any other failed reply.
   */
  request<R>(type: string, data: unknown, ctx: MessageContext, opts: RequestOptions = {}): Promise<Reply<R>> {
    return this.requester.request<R>(type, data, ctx, opts);
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
    const lanes = commandLanes(opts.queue, opts.priorities);
    await this.topology.declareCommandLanes(lanes, opts.bindings);
    for (const lane of lanes) {
      await this.consumer.subscribe(lane, (envelope, msg) =>
        opts.handler(envelope, {
          priority: lane.priority,
          redelivered: msg.fields.redelivered,
          answered: Boolean(msg.properties.replyTo),
        }),
      );
    }
  }

  /**
   * Consumes events matching `patterns`. A durable queue shares the work between replicas; `transient: true`
   * gives this instance its own exclusive queue (fan-out to every replica, e.g. the api's SSE stream).
   * `bound: false` declares the queue without its bindings, so nothing is routed to it until `bind()`: a queue
   * that is only needed now and then costs the broker nothing meanwhile. Bind and unbind calls apply in order,
   * and the last state is what a reconnect restores.
   */
  async consumeEvents(opts: {
    queue: string;
    patterns: string[];
    handler: EventHandler;
    transient?: boolean;
    bound?: boolean;
  }): Promise<EventBindings> {
    const lane = eventLane(opts.queue, opts.transient === true);
    let bound = opts.bound !== false;
    await this.topology.declareEventLane(lane, opts.patterns, () => bound);
    await this.consumer.subscribe(lane, async (envelope) => {
      await opts.handler(envelope);
      return undefined;
    });
    let applied: Promise<void> = Promise.resolve();
    const set = (next: boolean): Promise<void> => {
      const run = applied.then(async () => {
        if (bound === next) return;
        bound = next;
        await this.topology.setEventBindings(lane.queue, opts.patterns, next);
      });
      // A failed call (the channel closed under it) fails alone; the reconnect's setup applies `bound`.
      applied = run.catch(() => undefined);
      return run;
    };
    return { bind: () => set(true), unbind: () => set(false) };
  }

  /**
   * Retires an event queue that an earlier version consumed (`consumeEvents`) and this one does not: see
   * RetiredEventQueue. `handler` is given what is left in it; nothing queued there before the upgrade is lost.
   */
  retireEventQueue(opts: { queue: string; patterns: string[]; handler: EventHandler }): RetiredEventQueue {
    return new RetiredEventQueue(this.amqp, {
      ...opts,
      retryQueues: (this.options.retryDelaysMs ?? RETRY_DELAYS_MS).map((_, i) =>
        queueNames(opts.queue).retry(i + 1),
      ),
      logger: this.options.logger,
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
    const lanes = commandLanes(opts.queue);
    await this.topology.declareCommandLanes(lanes, opts.bindings);
    for (const lane of lanes) {
      await this.consumer.subscribe(lane, async (envelope, msg) => {
        await this.forward(opts.exchange, opts.route(envelope), msg, lane.priority);
        return FORWARDED;
      });
    }
  }

  /** Moves a delivered command on, unchanged (its reply address included), keeping its lane as its priority. */
  private async forward(exchange: string, routingKey: string, msg: ConsumeMessage, lane: Priority) {
    await this.amqp.publish(exchange, routingKey, msg.content, {
      ...msg.properties,
      priority: LANE_PRIORITY[lane],
    });
  }

  /**
   * Declares a durable direct exchange and, bound to it by their own names, one priority queue per key (with
   * its retry queues, dead-lettering into `<deadKey>.dead`). The queues outlive their consumers, so commands for
   * a shard wait there while it changes hands.
   */
  declareKeyedQueues(exchange: string, queues: string[], deadKey: string): Promise<void> {
    return this.topology.declareKeyedQueues(exchange, queues, deadKey);
  }

  /**
   * The exchange of `declareKeyedQueues` alone: a caller that sends requests straight to the keyed queues
   * (`request` with `shard`) declares it, since publishing to an exchange that does not exist yet would close its
   * channel. Until the queues are declared and bound, such a request goes nowhere and times out.
   */
  declareKeyedExchange(exchange: string): Promise<void> {
    return this.topology.declareKeyedExchange(exchange);
  }

  /**
   * Consumes one queue declared by `declareKeyedQueues` on a channel of its own, until `stop()`. Replies, retries
   * and dead letters work as in `consumeCommands`; the consumer survives reconnects until stopped. With `shards`,
   * a command whose user belongs to another shard's queue (a caller publishing straight to the shards with another
   * shard count) is moved there rather than handled by the wrong owner.
   */
  consumeUntilStopped(opts: {
    queue: string;
    deadKey: string;
    handler: CommandHandler;
    prefetch?: number;
    shards?: ShardRouting;
  }): Promise<StoppableConsumer> {
    const { shards } = opts;
    return this.consumer.consumeUntilStopped(
      shardLane(opts.queue, opts.deadKey),
      async (envelope, msg) => {
        const owner = shards ? shardQueueFor(shards, envelope.userid) : opts.queue;
        if (owner !== opts.queue && shards) {
          await this.forward(shards.exchange, owner, msg, priorityOf(msg));
          return FORWARDED;
        }
        return opts.handler(envelope, {
          priority: priorityOf(msg),
          redelivered: msg.fields.redelivered,
          answered: Boolean(msg.properties.replyTo),
        });
      },
      opts.prefetch ?? 20,
    );
  }

  /** Calls `listener` every time the connection to the broker is (re-)established. */
  onConnect(listener: () => void): void {
    this.amqp.managedConnection.on('connect', listener);
  }

  /**
   * Closes the channels and the connection. A close the broker can no longer answer (the connection died under
   * it: "Channel ended, no reply will be forthcoming") leaves nothing open, so it does not fail a shutdown.
   */
  async close(): Promise<void> {
    await this.rpc.close().catch(() => undefined);
    await this.amqp.managedConnection.close().catch(() => undefined);
  }
}
