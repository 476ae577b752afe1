import { ensureActive } from '@integrations/connector-kit';
import {
  DomainError,
  type Envelope,
  type EventDataMap,
  type Message,
  type TelegramAccountChannelSendCommand,
  type TelegramAccountSendCommand,
} from '@integrations/contracts';
import {
  contextOf,
  ownedOrNotFound,
  type CommandCaller,
  type MessageContext,
  type Messaging,
} from '@integrations/messaging';
import { SpanKind, inSpan, telegramMetrics, type Logger, type Registry } from '@integrations/observability';
import { enqueueOutbox, sql, type OutboxRelay, type Selectable } from '@integrations/persistence';
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { AccountStore } from '../accounts/account-store';
import type { AccountMessageTable } from '../db/schema';
import { BreakerOpenError, isSessionGone, toDomainError } from '../telegram/errors';
import type { LiveClients } from '../telegram/live-clients';
import { storedPeer, type AccountChannelsService } from '../channels/channels.service';
import type { AccountSender, AccountSendRequest, SendTarget } from './account-sender';

type MessageRow = Selectable<AccountMessageTable>;

/** How often an asynchronous send is tried again while Telegram is unreachable (about 7 minutes in all). */
const MAX_ATTEMPTS = 10;
const MAX_RETRY_DELAY_MS = 60_000;
/** Failures a client may retry with the same message id: nothing was sent. */
const RETRYABLE = new Set(['TELEGRAM_UNAVAILABLE', 'TELEGRAM_FLOOD_WAIT']);

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    status: row.status === 'sending' ? 'queued' : row.status,
    chatId: row.chat_id ?? row.recipient,
    ...(row.telegram_message_id ? { telegramMessageId: row.telegram_message_id } : {}),
    ...(row.sent_at ? { sentAt: new Date(row.sent_at).toISOString() } : {}),
    ...(row.error_code
      ? { error: { code: row.error_code as DomainError['code'], detail: row.error_detail ?? '' } }
      : {}),
  };
}

/**
 * Sends as an account, once per message id (the id is the primary key, so a retried command finds the first
 * attempt). Synchronous sends answer Telegram's verdict; async ones answer `queued` and finish in the background,
 * and after a restart from the table. Rows left `sending` by a crash are sent again: Telegram refuses the repeated
 * `random_id`, so that resend cannot post twice (see `AccountSender`).
 */
export class AccountMessagesService {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Ids of the messages this replica is delivering. */
  private readonly delivering = new Set<string>();
  /** Asynchronous sends waiting to be tried again (Telegram was unreachable), and how often each was tried. */
  private readonly retries = new Map<string, { timer: NodeJS.Timeout; userId: string }>();
  private readonly attempts = new Map<string, number>();
  private readonly metrics;

  constructor(
    private readonly deps: {
      store: AccountStore;
      live: LiveClients;
      sender: AccountSender;
      channels: AccountChannelsService;
      messaging: Messaging;
      relay: OutboxRelay;
      registry: Registry;
      logger: Logger;
    },
  ) {
    this.metrics = telegramMetrics(deps.registry);
  }

  async send(caller: CommandCaller, data: TelegramAccountSendCommand, envelope: Envelope): Promise<Message> {
    const account = await this.deps.store.find({ ...caller, admin: false }, data.accountId);
    ensureActive(account, 'account');
    return this.accept(envelope, data, {
      accountId: account.id,
      status: account.status,
      recipient: data.to,
      channelId: null,
    });
  }

  async sendViaChannel(
    caller: CommandCaller,
    data: TelegramAccountChannelSendCommand,
    envelope: Envelope,
  ): Promise<Message> {
    const channel = await this.deps.channels.find({ ...caller, admin: false }, data.channelId);
    ensureActive(channel, 'channel');
    const account = await this.deps.store.byId(channel.account_id);
    if (account) ensureActive(account, 'account');
    return this.accept(envelope, data, {
      accountId: channel.account_id,
      status: account?.status ?? 'revoked',
      recipient: channel.chat_id,
      channelId: channel.id,
    });
  }

  /** Stores the send under its id (a repeat answers the first one), then delivers it now or in the background. */
  private async accept(
    envelope: Envelope,
    data: AccountSendRequest & { messageId?: string; async?: boolean },
    target: { accountId: string; status: string; recipient: string; channelId: string | null },
  ): Promise<Message> {
    if (target.status === 'revoked') {
      throw new DomainError(
        'TELEGRAM_SESSION_REVOKED',
        'The Telegram session was ended; connect the account again.',
      );
    }
    const id = data.messageId ?? idFromKey(envelope) ?? uuidv7();
    const request: AccountSendRequest = {
      text: data.text,
      ...(data.parseMode ? { parseMode: data.parseMode } : {}),
      ...(data.disableNotification !== undefined ? { disableNotification: data.disableNotification } : {}),
      ...(data.replyToMessageId ? { replyToMessageId: data.replyToMessageId } : {}),
    };
    const values = {
      id,
      user_id: envelope.userid,
      account_id: target.accountId,
      recipient: target.recipient,
      channel_id: target.channelId,
      chat_id: null,
      request: JSON.stringify(request),
      context: JSON.stringify(contextOf(envelope)),
      status: 'queued' as const,
      telegram_message_id: null,
      error_code: null,
      error_detail: null,
      sent_at: null,
    };
    // What was just inserted is what delivery reads: handed over rather than read back (its timestamps, which
    // delivery does not use, are the database's). A repeat queued again is read from the table.
    let inserted: MessageRow | undefined;
    try {
      await this.deps.store.db.insertInto('telegram_account_messages').values(values).execute();
      const now = new Date();
      inserted = { ...values, created_at: now, updated_at: now };
    } catch (error) {
      if ((error as { code?: string }).code !== 'ER_DUP_ENTRY') throw error;
      const existing = await this.row(id);
      if (existing.user_id !== envelope.userid)
        throw new DomainError('CONFLICT', 'This message id is taken.');
      if (!(await this.again(existing, request))) return toMessage(existing);
    }
    const delivery = this.track(this.deliver(id, data.async === true, inserted));
    if (data.async) return { id, status: 'queued', chatId: target.recipient };
    const outcome = await delivery;
    if (outcome.error) throw outcome.error;
    return outcome.message;
  }

  /**
   * The same message again after Telegram was unreachable or asked to wait (a client retrying a 503, or a 429 after
   * its Retry-After, with its Idempotency-Key): it is tried again rather than answered with the old failure. Safe:
   * the try that failed either sent nothing or carried the same random_id, which Telegram refuses to post twice.
   * Answers whether it was queued again.
   */
  private async again(existing: MessageRow, request: AccountSendRequest): Promise<boolean> {
    if (existing.status !== 'failed' || !RETRYABLE.has(existing.error_code ?? '')) return false;
    const requeued = await this.deps.store.db
      .updateTable('telegram_account_messages')
      .set({ status: 'queued', request: JSON.stringify(request), error_code: null, error_detail: null })
      .where('id', '=', existing.id)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return requeued.numUpdatedRows > 0n;
  }

  async get(caller: CommandCaller, id: string): Promise<Message> {
    const row = await this.deps.store.db
      .selectFrom('telegram_account_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return toMessage(ownedOrNotFound(row, caller, 'message', 'No such message.'));
  }

  /**
   * Queued sends, and sends a crash cut off, are delivered when their shard is taken (on start, or from a replica
   * that stopped or died). A resent `sending` row cannot post twice: Telegram refuses its repeated `random_id`.
   */
  async recover(ofUser: (userId: string) => boolean = () => true): Promise<number> {
    const rows = (
      await this.deps.store.db
        .selectFrom('telegram_account_messages')
        .select(['id', 'user_id'])
        .where('status', 'in', ['queued', 'sending'])
        .orderBy('created_at')
        .execute()
    )
      // A row this replica is delivering right now is `sending` too, but not cut off: leave it alone.
      .filter((row) => ofUser(row.user_id) && !this.delivering.has(row.id));
    for (const row of rows) {
      await this.backToQueued(row.id);
      this.inBackground(row.id, 'recovered send failed');
    }
    return rows.length;
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Cancels the waiting retries of some users (their shard moved: its next owner recovers them from the table). */
  stopRetries(ofUser: (userId: string) => boolean = () => true): void {
    for (const [id, retry] of this.retries) {
      if (!ofUser(retry.userId)) continue;
      clearTimeout(retry.timer);
      this.retries.delete(id);
      this.attempts.delete(id);
    }
  }

  private track<T>(job: Promise<T>): Promise<T> {
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job)).catch(() => undefined);
    return job;
  }

  private row(id: string): Promise<MessageRow> {
    return this.deps.store.db
      .selectFrom('telegram_account_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  /** A send left `sending` (cut off, or Telegram unreachable) becomes claimable again. */
  private async backToQueued(id: string): Promise<void> {
    await this.deps.store.db
      .updateTable('telegram_account_messages')
      .set({ status: 'queued' })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  private inBackground(id: string, failure: string): void {
    this.track(this.deliver(id, true)).catch((error: unknown) =>
      this.deps.logger.error(failure, { messageId: id, error }),
    );
  }

  /**
   * `retry`: an asynchronous send, which waits out Telegram being unreachable instead of failing at once.
   * `inserted`: the row as this replica just accepted it (not read again once claimed).
   */
  private async deliver(
    id: string,
    retry: boolean,
    inserted?: MessageRow,
  ): Promise<{ message: Message; error?: DomainError }> {
    this.delivering.add(id);
    try {
      return await this.deliverOnce(id, retry, inserted);
    } finally {
      this.delivering.delete(id);
    }
  }

  private async deliverOnce(
    id: string,
    retry: boolean,
    inserted?: MessageRow,
  ): Promise<{ message: Message; error?: DomainError }> {
    const { store, live, sender } = this.deps;
    const claimed = await store.db
      .updateTable('telegram_account_messages')
      .set({ status: 'sending' })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    // Claimed, a handed-over row is the row (only this claim changed it); otherwise it is read.
    const row =
      claimed.numUpdatedRows > 0n && inserted
        ? { ...inserted, status: 'sending' as const }
        : await this.row(id);
    if (claimed.numUpdatedRows === 0n) return { message: toMessage(row) };
    const ctx = row.context ? (JSON.parse(row.context) as MessageContext) : { userId: row.user_id };
    const request = JSON.parse(row.request ?? '{"text":""}') as AccountSendRequest;
    const end = this.metrics.sendDuration.startTimer({ type: typeOf(row) });
    const account = await store.byId(row.account_id);
    try {
      if (!account) throw new DomainError('NOT_FOUND', 'The account was removed.');
      if (account.status === 'revoked') {
        throw new DomainError(
          'TELEGRAM_SESSION_REVOKED',
          'The Telegram session was ended; connect the account again.',
        );
      }
      // Paused after this was accepted: it fails visibly rather than waking the client its user stopped.
      ensureActive(account, 'account');
      // Ids only in the span: never the text, the recipient or the session.
      const sent = await inSpan(
        'telegram messages.sendMessage',
        {
          'telegram.api': 'mtproto',
          'telegram.method': 'messages.sendMessage',
          'integrations.account_id': account.id,
          'integrations.message_id': id,
        },
        async () => sender.send(account.id, () => live.ready(account), await this.targetOf(row), id, request),
        SpanKind.CLIENT,
      );
      await store.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('telegram_account_messages')
          .set({
            status: 'sent',
            chat_id: sent.chatId,
            telegram_message_id: sent.telegramMessageId ?? null,
            sent_at: sent.date,
            request: null,
            updated_at: sql<Date>`current_timestamp(3)`,
          })
          .where('id', '=', id)
          .execute();
        const data: EventDataMap['telegram.message.sent'] = {
          userId: row.user_id,
          messageId: id,
          via: { type: 'account', id: row.account_id },
          chatId: sent.chatId,
          telegramMessageId: sent.telegramMessageId ?? '0',
          sentAt: sent.date.toISOString(),
          ...historyOf(row, request.text),
        };
        await enqueueOutbox(trx, this.deps.messaging.makeEnvelope('telegram.message.sent', data, ctx));
      });
      this.attempts.delete(id);
      this.metrics.messagesSent.inc({ type: typeOf(row) });
      this.deps.relay.kick();
      return {
        message: {
          id,
          status: 'sent',
          chatId: sent.chatId,
          ...(sent.telegramMessageId ? { telegramMessageId: sent.telegramMessageId } : {}),
          sentAt: sent.date.toISOString(),
        },
      };
    } catch (raw) {
      const error = toDomainError(raw);
      if (account && isSessionGone(error)) await live.failed(account, error, ctx);
      if (account && error.code === 'TELEGRAM_UNAVAILABLE') {
        // Whatever this client still holds is abandoned, never sent late; the next try connects anew. A send
        // the open breaker refused never reached the client: it stays.
        if (!(error instanceof BreakerOpenError)) await live.stop(account.id);
        if (retry && (await this.retryLater(row, error))) {
          return { message: { id, status: 'queued', chatId: row.recipient } };
        }
      }
      if (retry && error.code === 'TELEGRAM_FLOOD_WAIT') {
        await this.waitOutFlood(row, error);
        return { message: { id, status: 'queued', chatId: row.recipient } };
      }
      this.attempts.delete(id);
      if (row.channel_id && error.code === 'TELEGRAM_WRITE_FORBIDDEN') {
        await this.deps.channels.markWriteForbidden(row.channel_id, ctx);
      }
      await this.markFailed(row, error, ctx);
      return {
        message: {
          id,
          status: 'failed',
          chatId: row.recipient,
          error: { code: error.code, detail: error.message },
        },
        error,
      };
    } finally {
      end();
    }
  }

  /**
   * Puts an asynchronous send back in the queue and tries it again after Telegram's advised wait, growing, until
   * `MAX_ATTEMPTS`. A resend cannot post twice even if the failed try reached Telegram: its random_id repeats.
   */
  private async retryLater(row: MessageRow, error: DomainError): Promise<boolean> {
    const attempt = (this.attempts.get(row.id) ?? 0) + 1;
    if (attempt >= MAX_ATTEMPTS) return false;
    this.attempts.set(row.id, attempt);
    await this.backToQueued(row.id);
    const delayMs = Math.min(MAX_RETRY_DELAY_MS, (error.retryAfter ?? 5) * 1000 * 2 ** (attempt - 1));
    const timer = setTimeout(() => {
      this.retries.delete(row.id);
      this.inBackground(row.id, 'retried send failed');
    }, delayMs);
    timer.unref();
    this.retries.set(row.id, { timer, userId: row.user_id });
    this.deps.logger.warn('Telegram unreachable: send queued again', {
      messageId: row.id,
      attempt,
      delayMs,
    });
    return true;
  }

  /**
   * An accepted asynchronous send that Telegram (or the account's pending FLOOD_WAIT) told to wait goes back to the
   * queue and is tried again once the wait is over: it is not a failure and does not count as an attempt. Durable:
   * the row is `queued` while it waits, so a restart, or the shard's next owner, sends it from the table.
   */
  private async waitOutFlood(row: MessageRow, error: DomainError): Promise<void> {
    await this.backToQueued(row.id);
    const delayMs = Math.max(1, error.retryAfter ?? 1) * 1000;
    const timer = setTimeout(() => {
      this.retries.delete(row.id);
      this.inBackground(row.id, 'send after FLOOD_WAIT failed');
    }, delayMs);
    timer.unref();
    this.retries.set(row.id, { timer, userId: row.user_id });
    this.deps.logger.debug('FLOOD_WAIT: send queued until the wait is over', { messageId: row.id, delayMs });
  }

  /** An attached channel is reached through its stored peer; anything else by what the caller wrote. */
  private async targetOf(row: MessageRow): Promise<SendTarget> {
    if (!row.channel_id) return row.recipient;
    const channel = await this.deps.store.db
      .selectFrom('telegram_account_channels')
      .selectAll()
      .where('id', '=', row.channel_id)
      .executeTakeFirst();
    if (!channel) throw new DomainError('NOT_FOUND', 'The channel was removed.');
    return storedPeer(channel);
  }

  private async markFailed(row: MessageRow, error: DomainError, ctx: MessageContext): Promise<void> {
    await this.deps.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('telegram_account_messages')
        .set({
          status: 'failed',
          error_code: error.code,
          error_detail: error.message.slice(0, 500),
          // Kept only while a retry may send it (Telegram was unreachable); erased like a sent one otherwise.
          request: error.code === 'TELEGRAM_UNAVAILABLE' ? row.request : null,
          updated_at: sql<Date>`current_timestamp(3)`,
        })
        .where('id', '=', row.id)
        .execute();
      const data: EventDataMap['telegram.message.failed'] = {
        userId: row.user_id,
        messageId: row.id,
        via: { type: 'account', id: row.account_id },
        chatId: row.recipient,
        error: { code: error.code, detail: error.message },
        ...historyOf(row, (JSON.parse(row.request ?? '{"text":""}') as AccountSendRequest).text),
      };
      await enqueueOutbox(trx, this.deps.messaging.makeEnvelope('telegram.message.failed', data, ctx));
    });
    this.metrics.messagesError.inc({ type: typeOf(row) });
    this.deps.relay.kick();
  }
}

/**
 * What the history shows of a send: its text, the channel it went to, and the recipient's @username as the
 * chat's name (a phone number stays out of events).
 */
function historyOf(row: MessageRow, text: string): { text?: string; channelId?: string; chatTitle?: string } {
  return {
    ...(text ? { text } : {}),
    ...(row.channel_id ? { channelId: row.channel_id } : {}),
    ...(!row.channel_id && row.recipient.startsWith('@') ? { chatTitle: row.recipient } : {}),
  };
}

/** The `type` label of the spec's message metrics: a send to an attached channel or group is `channel`. */
const typeOf = (row: Pick<MessageRow, 'channel_id'>): 'account' | 'channel' =>
  row.channel_id ? 'channel' : 'account';

/** A send from another platform service with only an idempotency key gets a stable id from it. */
function idFromKey(envelope: Envelope): string | undefined {
  if (!envelope.idempotencykey) return undefined;
  return `k${createHash('sha256').update(`${envelope.userid}\n${envelope.idempotencykey}`).digest('hex').slice(0, 40)}`;
}
