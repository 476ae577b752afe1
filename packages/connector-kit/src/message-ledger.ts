import { DomainError, type Envelope, type EventDataMap, type Message } from '@integrations/contracts';
import {
  contextOf,
  ownedOrNotFound,
  type CommandCaller,
  type MessageContext,
  type Messaging,
} from '@integrations/messaging';
import { telegramMetrics, type Registry } from '@integrations/observability';
import { isPassingDatabaseError, type OutboxEnvelope, type OutboxHandOff } from '@integrations/persistence';
import type { LifecycleRow } from './lifecycle-store';
import type { LedgerRow, LedgerValues, MessageStatus, MessageStore } from './messages.repository';
import { messageIdOf } from './message-id';
import { untilRecorded } from './until-recorded';

/** What a send asks for, as stored until it is sent. */
export interface OutboundRequest {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  replyToMessageId?: string;
}

/** What a platform answered for a delivered message. */
export interface Delivered<Row> {
  /** The chat the platform delivered to (the event's `chatId`). */
  chatId: string;
  /** Undefined when the platform said it already had this message (a resend after a lost answer). */
  telegramMessageId?: string;
  sentAt: Date;
  /** The chat's name as the platform told it, for the history. */
  chatTitle?: string;
  /** The connector's own columns to write with `sent`. */
  patch?: Partial<Row>;
  /** The `chatId` the caller is answered (defaults to `chatId`). */
  shownChatId?: string;
}

export interface Outcome {
  message: Message;
  error?: DomainError;
}

/**
 * What the ledger uses of the service: events are made by `messaging`, sent by `relay`, counted in `registry`. A
 * relay that takes hand-offs (the service's own) publishes a settled message's event without its claim's trip.
 * `logger` hears of each record (an outcome, a send queued again) that has to be written again.
 */
export interface MessageLedgerDeps {
  messaging: Pick<Messaging, 'makeEnvelope'>;
  relay: Pick<OutboxHandOff, 'kick'> | OutboxHandOff;
  registry: Registry;
  logger: { warn(message: string, fields: Record<string, unknown>): unknown };
}

/** What is the connector's: its table (through `repository`) and what its rows mean. */
export interface MessageLedgerOptions<Row extends LedgerRow, Sender extends LifecycleRow = LifecycleRow> {
  repository: MessageStore<Row, Sender>;
  /** The `type` label of the message metrics. */
  typeOf(row: Row): string;
  /** The chat a caller is shown before (or without) the platform naming one. */
  chatOf(row: Row): string;
  /** What the message was sent through (events' `via`). */
  via(row: Row): EventDataMap['telegram.message.sent']['via'];
  /** A chat name known from the row itself, for the history. */
  chatTitleOf?(row: Row): string | undefined;
}

/**
 * The outbound message ledger: a send is a row under its id (the primary key, so a retried command finds the
 * first attempt instead of sending again), claimed (`queued` -> `sending`) before the platform is called, and
 * settled as sent or failed together with its outbox event. Tracks the deliveries in flight so a stop can drain
 * them. What a platform call is, and what a row left `sending` by a crash means, stay the connector's.
 */
export class MessageLedger<Row extends LedgerRow, Sender extends LifecycleRow = LifecycleRow> {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** A stop is under way (`drain(true)`): records that fail are no longer written again. */
  private stopping = false;
  private readonly metrics;

  private readonly options: MessageLedgerOptions<Row, Sender> & MessageLedgerDeps;

  constructor(deps: MessageLedgerDeps, options: MessageLedgerOptions<Row, Sender>) {
    this.options = {
      messaging: deps.messaging,
      relay: deps.relay,
      registry: deps.registry,
      logger: deps.logger,
      ...options,
    };
    this.metrics = telegramMetrics(deps.registry);
  }

  /** The caller's id, or one derived from the idempotency key, or a new one. */
  idOf(messageId: string | undefined, envelope: Envelope): string {
    return messageIdOf(messageId, envelope);
  }

  /** The request to store: only what was asked. */
  requestOf(data: OutboundRequest): OutboundRequest {
    return {
      text: data.text,
      ...(data.parseMode ? { parseMode: data.parseMode } : {}),
      ...(data.disableNotification !== undefined ? { disableNotification: data.disableNotification } : {}),
      ...(data.replyToMessageId ? { replyToMessageId: data.replyToMessageId } : {}),
    };
  }

  /** The stored request of a row (empty once settled). */
  storedRequest(row: Pick<Row, 'request'>): OutboundRequest {
    return JSON.parse(row.request ?? '{"text":""}') as OutboundRequest;
  }

  /** The context the row's events carry. */
  contextOf(row: Pick<Row, 'context' | 'user_id'>): MessageContext {
    return row.context ? (JSON.parse(row.context) as MessageContext) : { userId: row.user_id };
  }

  /** The values of a new row: the connector's `target` columns, and what the ledger stores of the send. */
  valuesOf<T>(
    id: string,
    envelope: Envelope,
    request: OutboundRequest,
    target: T,
  ): T & Omit<LedgerValues<LedgerRow>, 'channel_id' | 'chat_id'> {
    return {
      id,
      user_id: envelope.userid,
      ...target,
      request: JSON.stringify(request),
      context: JSON.stringify(contextOf(envelope)),
      status: 'queued',
      telegram_message_id: null,
      error_code: null,
      error_detail: null,
      sent_at: null,
    };
  }

  /**
   * Stores a new send. `inserted`: the row as written (handed to delivery rather than read back; its timestamps,
   * which delivery does not use, are the database's). `existing`: the id was taken by the same user (a retried
   * command); another user's id is a CONFLICT.
   */
  async accept(values: LedgerValues<Row>): Promise<{ inserted: Row } | { existing: Row }> {
    if (await this.options.repository.insert(values)) {
      const now = new Date();
      return { inserted: { ...values, created_at: now, updated_at: now } as Row };
    }
    return { existing: await this.existing(values) };
  }

  /**
   * `accept`, with the sender checked (the row's user's, not paused, not refused otherwise) in the insert's own
   * round trip. `refused`: nothing was written; the sender as read (undefined when there is none) tells the connector
   * which refusal to answer. `inserted` comes with the sender as read right after the insert, for delivery.
   */
  async acceptIfSenderAllows(
    values: LedgerValues<Row>,
  ): Promise<
    { inserted: Row; sender: Sender | undefined } | { existing: Row } | { refused: Sender | undefined }
  > {
    const checked = await this.options.repository.insertIfSenderAllows(values);
    if (checked.outcome === 'refused') return { refused: checked.sender };
    if (checked.outcome === 'duplicate') return { existing: await this.existing(values) };
    const now = new Date();
    return { inserted: { ...values, created_at: now, updated_at: now } as Row, sender: checked.sender };
  }

  /** The row under a taken id: the same user's (a retried command), or a CONFLICT. */
  private async existing(values: LedgerValues<Row>): Promise<Row> {
    const existing = await this.row(values.id);
    if (existing.user_id !== values.user_id) throw new DomainError('CONFLICT', 'This message id is taken.');
    return existing;
  }

  async get(caller: CommandCaller, id: string): Promise<Message> {
    const row = await this.options.repository.find(id);
    return this.toMessage(ownedOrNotFound(row, caller, 'message', 'No such message.'));
  }

  async row(id: string): Promise<Row> {
    const row = await this.options.repository.find(id);
    if (!row) throw new Error(`message ${id} is not in the ledger`);
    return row;
  }

  toMessage(row: Row): Message {
    return {
      id: row.id,
      // `sending` is ours (a claim while the platform answers); to callers the message is still on its way.
      status: row.status === 'sending' ? 'queued' : row.status,
      chatId: row.chat_id ?? this.options.chatOf(row),
      ...(row.telegram_message_id ? { telegramMessageId: row.telegram_message_id } : {}),
      ...(row.sent_at ? { sentAt: new Date(row.sent_at).toISOString() } : {}),
      ...(row.error_code
        ? { error: { code: row.error_code as DomainError['code'], detail: row.error_detail ?? '' } }
        : {}),
    };
  }

  /** `queued` -> `sending` (with the connector's `patch`): only one replica sends a row. */
  claim(id: string, patch: Partial<Row> = {}): Promise<boolean> {
    return this.options.repository.claim(id, patch);
  }

  /** `claim`, with the sender read in the same round trip (to check it again before a send that waited). */
  claimReadingSender(
    id: string,
    senderId: string,
    patch: Partial<Row> = {},
  ): Promise<{ claimed: boolean; sender: Sender | undefined }> {
    return this.options.repository.claimReadingSender(id, senderId, patch);
  }

  /**
   * A row left `sending` becomes claimable again: a send told to wait (Telegram unreachable, FLOOD_WAIT) or cut off
   * by a crash. Decided like an outcome, it is written again until it commits (a row left `sending` would never be
   * tried again while this replica lives); it changes only a row still `sending`, so a second try is harmless.
   */
  requeue(id: string): Promise<void> {
    return untilRecorded(
      () => this.options.repository.requeue(id),
      (failure) =>
        this.options.logger.warn('queueing a send again failed; writing it again', {
          messageId: id,
          ...failure,
        }),
      { stopping: () => this.stopping },
    );
  }

  /** A failed row is queued again with `request`; false when it was no longer failed. */
  requeueFailed(id: string, request: OutboundRequest): Promise<boolean> {
    return this.options.repository.requeueFailed(id, JSON.stringify(request));
  }

  /** The rows to pick up after a crash or a move (oldest first). */
  unsettled(statuses: MessageStatus[]): Promise<Array<Pick<Row, 'id' | 'user_id'>>> {
    return this.options.repository.listIn(statuses);
  }

  /** The rows claimed by some replica (for the connector to judge the ones whose replica is gone). */
  sending(): Promise<Row[]> {
    return this.options.repository.sending();
  }

  /**
   * Sent, with its `telegram.message.sent` event, in one transaction, written again until it commits should the
   * database fail (the caller waits for it, and a stop's `drain` too): a sent message is never recorded as failed
   * for want of a write.
   */
  async settleSent(row: Row, delivered: Delivered<Row>, ctx: MessageContext): Promise<Outcome> {
    const { sentAt, telegramMessageId } = delivered;
    const data: EventDataMap['telegram.message.sent'] = {
      userId: row.user_id,
      messageId: row.id,
      via: this.options.via(row),
      chatId: delivered.chatId,
      telegramMessageId: telegramMessageId ?? '0',
      sentAt: sentAt.toISOString(),
      ...this.historyOf(row, this.storedRequest(row).text, delivered.chatTitle),
    };
    const patch = {
      ...delivered.patch,
      status: 'sent',
      telegram_message_id: telegramMessageId ?? null,
      sent_at: sentAt,
      request: null,
    } as Partial<Row>;
    await this.settle(
      row.id,
      patch,
      this.options.messaging.makeEnvelope('telegram.message.sent', data, ctx),
      false,
    );
    this.metrics.messagesSent.inc({ type: this.options.typeOf(row) });
    return {
      message: {
        id: row.id,
        status: 'sent',
        chatId: delivered.shownChatId ?? delivered.chatId,
        ...(telegramMessageId ? { telegramMessageId } : {}),
        sentAt: sentAt.toISOString(),
      },
    };
  }

  /**
   * Failed, with its `telegram.message.failed` event, in one transaction. `whileSending`: only a row still
   * `sending` (false, nothing written, when it moved on). `keepRequest`: the request stays for a retry.
   */
  async settleFailed(
    row: Row,
    error: DomainError,
    ctx: MessageContext,
    how: { whileSending: boolean; keepRequest?: boolean },
  ): Promise<boolean> {
    const data: EventDataMap['telegram.message.failed'] = {
      userId: row.user_id,
      messageId: row.id,
      via: this.options.via(row),
      chatId: this.options.chatOf(row),
      error: { code: error.code, detail: error.message },
      ...this.historyOf(row, this.storedRequest(row).text),
    };
    const patch = {
      status: 'failed',
      error_code: error.code,
      error_detail: error.message.slice(0, 500),
      request: how.keepRequest ? row.request : null,
    } as Partial<Row>;
    const moved = await this.settle(
      row.id,
      patch,
      this.options.messaging.makeEnvelope('telegram.message.failed', data, ctx),
      how.whileSending,
    );
    if (moved) this.metrics.messagesError.inc({ type: this.options.typeOf(row) });
    return moved;
  }

  /**
   * The row settled with its event in one transaction; the event then goes out. Leased to this process when the
   * relay takes hand-offs, it is published from here right after the commit (no claim's round trip); otherwise the
   * relay is kicked. The outcome is decided when this is called (the platform answered, or the send is given up):
   * should the database fail in a way that passes, it is written again until it commits (`untilRecorded`), and
   * nothing else is recorded in its place.
   */
  private settle(
    id: string,
    patch: Partial<Row>,
    event: OutboxEnvelope,
    whileSending: boolean,
  ): Promise<boolean> {
    return untilRecorded(
      async (attempt) => {
        // A try whose answer was lost may have committed: its event tells (a second event would repeat it).
        if (attempt > 1 && (await this.committedBefore(event))) return true;
        let moved: boolean;
        try {
          moved = await this.settleOnce(id, patch, event, whileSending);
        } catch (error) {
          // An error that does not pass may be this settle meeting its own event: a group write whose answer was
          // lost is written again item by item, and each item finds what the lost commit wrote.
          if (!isPassingDatabaseError(error) && (await this.committedBefore(event))) return true;
          throw error;
        }
        // Nothing moved: an earlier write of this settle (a lost answer, the group write retried item by item) may
        // have committed it, perhaps while this one waited for its lock. Rare, so the extra read costs nothing.
        return moved || this.committedBefore(event);
      },
      (failure) =>
        this.options.logger.warn("recording a message's outcome failed; writing it again", {
          messageId: id,
          event: event.type,
          ...failure,
        }),
      { stopping: () => this.stopping },
    );
  }

  private async settleOnce(
    id: string,
    patch: Partial<Row>,
    event: OutboxEnvelope,
    whileSending: boolean,
  ): Promise<boolean> {
    const leaseMs = this.handsOff()?.leaseMs();
    const moved = await this.options.repository.settle(id, patch, event, whileSending, leaseMs);
    if (moved) this.publish(event, leaseMs !== undefined);
    return moved;
  }

  /**
   * Whether an earlier try committed `event`. If it did, the event goes out as that try would have sent it: handed
   * off while it is still leased to this process (the relay keeps it in order), the relay's otherwise.
   */
  private async committedBefore(event: OutboxEnvelope): Promise<boolean> {
    const state = await this.options.repository.eventState(event.id);
    if (state === 'missing') return false;
    if (state !== 'published') this.publish(event, state === 'leased');
    return true;
  }

  /** A committed event goes out: handed off when it is leased to this process, by the relay otherwise. */
  private publish(event: OutboxEnvelope, leased: boolean): void {
    const handsOff = this.handsOff();
    if (handsOff && leased)
      handsOff.handOff([{ envelope: event, exchange: 'events', routingKey: event.type }]);
    else this.options.relay.kick();
  }

  private handsOff(): OutboxHandOff | undefined {
    const { relay } = this.options;
    return 'handOff' in relay ? relay : undefined;
  }

  /** What a failed delivery answers its caller. */
  failure(row: Row, error: DomainError): Outcome {
    return {
      message: {
        id: row.id,
        status: 'failed',
        chatId: this.options.chatOf(row),
        error: { code: error.code, detail: error.message },
      },
      error,
    };
  }

  /** Starts the send-duration timer of a row's delivery; the answer stops it. */
  timeSend(row: Row): () => void {
    const end = this.metrics.sendDuration.startTimer({ type: this.options.typeOf(row) });
    return () => {
      end();
    };
  }

  /** Counts `job` as in flight until it settles. */
  track<T>(job: Promise<T>): Promise<T> {
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job)).catch(() => undefined);
    return job;
  }

  /**
   * Waits for every delivery in flight. `stopping`: the service is stopping, so a record that fails from now on is
   * not written again but left `sending`, as a crash leaves it, to the recovery that follows one.
   */
  async drain(stopping = false): Promise<void> {
    if (stopping) this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  /** What the history shows of a send: its text, the channel it went to, and the chat's name when known. */
  private historyOf(
    row: Row,
    text: string,
    chatTitle = this.options.chatTitleOf?.(row),
  ): { text?: string; channelId?: string; chatTitle?: string } {
    return {
      ...(text ? { text } : {}),
      ...(row.channel_id ? { channelId: row.channel_id } : {}),
      ...(chatTitle ? { chatTitle: chatTitle.slice(0, 255) } : {}),
    };
  }
}
