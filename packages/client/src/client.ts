import {
  DomainError,
  type CommandDataMap,
  type CommandType,
  type Envelope,
  type EventDataMap,
  type EventType,
  type FieldError,
  type ReplyDataMap,
} from '@integrations/contracts';
import { Messaging, type MessageContext, type MessagingLogger, type Priority } from '@integrations/messaging';

/** Where the client reports reconnects and failed handlers; `console` fits. */
export type ClientLogger = MessagingLogger;

export interface ConnectOptions {
  /** Your service's name: the envelope's `source`, the connection's name, and the prefix of your event queues. */
  service: string;
  /** How long `connect` waits for the broker (default 10 s). */
  connectTimeoutMs?: number;
  logger?: ClientLogger;
}

export interface SendOptions {
  /** The platform user the command acts for (the envelope's `userid`). */
  userId: string;
  /** A repeated key is answered with the first result instead of being done twice. */
  idempotencyKey?: string;
  /** `high` (someone waits), `mid` or `low` (maintenance): the routing key's prefix (ADR 0002). */
  lane?: Priority;
  /** Your own request id, kept in the envelope and the audit log. */
  requestId?: string;
}

export interface RequestOptions extends SendOptions {
  /** How long to wait for the reply (default 10 s); the command expires unread after it. */
  timeoutMs?: number;
}

export interface OnOptions {
  /** The durable queue (default `<service>.<event type>`): replicas of your service that share it share the work. */
  queue?: string;
}

/**
 * A command that failed with a stable problem code (the contract's table: `TELEGRAM_FLOOD_WAIT` 429 with
 * `retryAfter`, `NOT_FOUND` 404, `VALIDATION_FAILED` 422 with `errors`, `UPSTREAM_TIMEOUT` 504 ...).
 */
export class IntegrationError extends DomainError {
  constructor(
    readonly command: CommandType,
    error: DomainError,
  ) {
    super(error.code, error.message, { retryAfter: error.retryAfter, errors: error.errors });
    this.name = 'IntegrationError';
  }

  /** The field errors of a VALIDATION_FAILED, or none. */
  get fieldErrors(): readonly FieldError[] {
    return this.errors ?? [];
  }
}

export type EventHandler<K extends EventType> = (
  data: EventDataMap[K],
  event: Envelope<EventDataMap[K]>,
) => void | Promise<void>;

/**
 * The Integration Service for a platform service: typed commands and replies, typed errors, events on durable
 * queues of your own. Built on the services' own messaging layer, so it speaks exactly what they validate:
 * CloudEvents envelopes, publisher confirms, W3C trace context from the active OpenTelemetry span, and a
 * connection that comes back on its own after the broker went away.
 */
export class IntegrationsClient {
  private constructor(private readonly messaging: Messaging) {}

  static async connect(amqpUrl: string, options: ConnectOptions): Promise<IntegrationsClient> {
    const messaging = await Messaging.connect({
      url: amqpUrl,
      service: options.service,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
    return new IntegrationsClient(messaging);
  }

  get service(): string {
    return this.messaging.service;
  }

  isConnected(): boolean {
    return this.messaging.isConnected();
  }

  /**
   * Sends a command and waits for its reply (lane `high` unless told). Resolves with the reply's data; throws an
   * IntegrationError with the problem code when the command failed, did not validate, or got no answer in time.
   */
  async request<K extends CommandType>(
    type: K,
    data: CommandDataMap[K],
    options: RequestOptions,
  ): Promise<ReplyDataMap[K]> {
    const reply = await this.guard(type, () =>
      this.messaging.request<ReplyDataMap[K]>(type, data, contextOf(options), {
        priority: options.lane ?? 'high',
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      }),
    );
    if (!reply.ok) throw new IntegrationError(type, DomainError.fromReplyError(reply.error));
    return reply.data;
  }

  /**
   * Sends a command without waiting for its result (lane `mid` unless told); resolves with the envelope's id
   * once the broker confirmed it. Results arrive as events (`telegram.message.sent|failed`).
   */
  async send<K extends CommandType>(
    type: K,
    data: CommandDataMap[K],
    options: SendOptions,
  ): Promise<{ id: string }> {
    const envelope = await this.guard(type, () =>
      this.messaging.sendCommand(type, data, contextOf(options), { priority: options.lane ?? 'mid' }),
    );
    return { id: envelope.id };
  }

  /**
   * Calls `handler` for every event of `type`, from a durable queue of your own: events published while your
   * service is down wait there. A handler that throws is retried with back-off (1 s, 5 s, 30 s), then the event
   * is parked in `<queue>.dead`. Delivery is at least once: deduplicate by `event.id`.
   */
  async on<K extends EventType>(type: K, handler: EventHandler<K>, options: OnOptions = {}): Promise<void> {
    await this.messaging.consumeEvents({
      queue: options.queue ?? `${this.service}.${type}`,
      patterns: [type],
      handler: async (envelope) => {
        const event = envelope as Envelope<EventDataMap[K]>;
        await handler(event.data, event);
      },
    });
  }

  async close(): Promise<void> {
    await this.messaging.close();
  }

  /** The messaging layer throws DomainError for invalid data: the client's callers get one error type. */
  private async guard<T>(type: CommandType, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof DomainError) throw new IntegrationError(type, error);
      if (!this.isConnected()) {
        // Publishing fails fast while the connection is down (ADR 0002); it comes back on its own.
        const down = new DomainError(
          'UPSTREAM_TIMEOUT',
          'The message broker is not reachable; try again shortly.',
        );
        throw new IntegrationError(type, down);
      }
      throw error;
    }
  }
}

function contextOf(options: SendOptions): MessageContext {
  return {
    userId: options.userId,
    ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
    ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
  };
}

/** Connects to the broker of the Integration Service (see `IntegrationsClient`). */
export function connect(amqpUrl: string, options: ConnectOptions): Promise<IntegrationsClient> {
  return IntegrationsClient.connect(amqpUrl, options);
}
