import { MessageLedger, ensureActive, type OutboundRequest, type Outcome } from '@integrations/connector-kit';
import {
  DomainError,
  type Envelope,
  type Message,
  type TelegramAccountChannelSendCommand,
  type TelegramAccountSendCommand,
} from '@integrations/contracts';
import type { CommandCaller } from '@integrations/messaging';
import { SpanKind, inSpan, type Logger } from '@integrations/observability';
import { findAccountIn, type Accounts, type SessionRow } from '../accounts/accounts.repository';
import type { AccountChannels, ChannelRow } from '../channels/channels.repository';
import { BreakerOpenError, isSessionGone, toDomainError } from '../telegram/errors';
import type { LiveClients } from '../telegram/live-clients';
import { storedPeer, type AccountChannelsService } from '../channels/channels.service';
import type { AccountSender, SendTarget } from './account-sender';
import type { AccountMessageRow as MessageRow } from './messages.ledger';

/**
 * Throws why `account` refused its owner's send: missing or another user's (404; an attached channel's missing
 * account reads as a revoked session, as it always did), paused, or revoked. Returns if it does not refuse.
 */
function refuse(account: SessionRow | undefined, owner: CommandCaller, viaChannel: boolean): void {
  if (!account && viaChannel) ensureNotRevoked('revoked');
  const own = findAccountIn(account, owner);
  ensureActive(own, 'account');
  ensureNotRevoked(own.status);
}

/** A revoked session sends nothing until the account is connected again. */
function ensureNotRevoked(status: string): void {
  if (status === 'revoked') {
    throw new DomainError(
      'TELEGRAM_SESSION_REVOKED',
      'The Telegram session was ended; connect the account again.',
    );
  }
}

/** How often an asynchronous send is tried again while Telegram is unreachable (about 7 minutes in all). */
const MAX_ATTEMPTS = 10;
const MAX_RETRY_DELAY_MS = 60_000;
/**
 * Failures a client may retry with the same message id: nothing was sent, or (UPSTREAM_TIMEOUT) it may have been,
 * and the resend carries the same random_id, which Telegram does not post twice.
 */
const RETRYABLE = new Set(['TELEGRAM_UNAVAILABLE', 'TELEGRAM_FLOOD_WAIT', 'UPSTREAM_TIMEOUT']);
/** Telegram could not be reached, or did not answer: the client is dropped, and an async send tried again later. */
const UNREACHED = new Set(['TELEGRAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

/**
 * What the command that accepted a send has just read (the account, and for a channel send its row): delivery
 * right behind it uses them instead of reading them again. A queued, retried or recovered send reads them anew.
 */
interface Known {
  account: SessionRow;
  channel?: ChannelRow;
}

/**
 * Sends as an account, once per message id (the id is the primary key, so a retried command finds the first
 * attempt). Synchronous sends answer Telegram's verdict; async ones answer `queued` and finish in the background,
 * and after a restart from the table. Rows left `sending` by a crash are sent again: Telegram refuses the repeated
 * `random_id`, so that resend cannot post twice (see `AccountSender`).
 */
export class AccountMessagesService {
  /** Ids of the messages this replica is delivering. */
  private readonly delivering = new Set<string>();
  /** Asynchronous sends waiting to be tried again (Telegram was unreachable), and how often each was tried. */
  private readonly retries = new Map<string, { timer: NodeJS.Timeout; userId: string }>();
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly deps: {
      accounts: Pick<Accounts, 'byId'>;
      /** The attached channels' table, for a channel send's stored peer. */
      channelRows: Pick<AccountChannels, 'byId'>;
      live: Pick<LiveClients, 'ready' | 'failed' | 'stop'>;
      sender: Pick<AccountSender, 'send'>;
      channels: Pick<AccountChannelsService, 'find' | 'markWriteForbidden'>;
      logger: Logger;
      /** The account sends' ledger (`accountMessageLedger`). */
      ledger: MessageLedger<MessageRow, SessionRow>;
    },
  ) {}

  async send(caller: CommandCaller, data: TelegramAccountSendCommand, envelope: Envelope): Promise<Message> {
    const target = { accountId: data.accountId, recipient: data.to, channelId: null };
    return this.accept(envelope, data, target, { ...caller, admin: false });
  }

  async sendViaChannel(
    caller: CommandCaller,
    data: TelegramAccountChannelSendCommand,
    envelope: Envelope,
  ): Promise<Message> {
    const owner = { ...caller, admin: false };
    const channel = await this.deps.channels.find(owner, data.channelId);
    ensureActive(channel, 'channel');
    const target = { accountId: channel.account_id, recipient: channel.chat_id, channelId: channel.id };
    return this.accept(envelope, data, target, owner, channel);
  }

  /**
   * Stores the send under its id (a repeat answers the first one), then delivers it now or in the background. The
   * account is checked (the owner's, unpaused, not revoked) in the insert's own round trip and read there for
   * delivery, with the `channel` the command read; a refusal writes nothing and answers why.
   */
  private async accept(
    envelope: Envelope,
    data: OutboundRequest & { messageId?: string; async?: boolean },
    target: { accountId: string; recipient: string; channelId: string | null },
    owner: CommandCaller,
    channel?: ChannelRow,
  ): Promise<Message> {
    const { ledger } = this.deps;
    const id = ledger.idOf(data.messageId, envelope);
    const request = ledger.requestOf(data);
    // Stored already claimed (`sending`): this replica delivers it right away, and a crash before Telegram answers
    // leaves it to recovery, which sends it again under the same random_id (Telegram posts it once). That spares
    // the claim's UPDATE and its commit on every send.
    const values = {
      ...ledger.valuesOf(id, envelope, request, {
        account_id: target.accountId,
        recipient: target.recipient,
        channel_id: target.channelId,
        chat_id: null,
      }),
      status: 'sending' as const,
    };
    for (let attempt = 1; ; attempt++) {
      const accepted = await ledger.acceptIfSenderAllows(values);
      if ('refused' in accepted) {
        refuse(accepted.refused, owner, channel !== undefined);
        // The account as read after the refusal allows the send: it changed in between (resumed). Again.
        if (attempt === 3)
          throw new Error(`account ${target.accountId} kept changing while a send was accepted`);
        continue;
      }
      // What was just inserted is what delivery reads: handed over rather than read back. A repeat queued again is
      // read from the table.
      if ('existing' in accepted && !(await this.again(accepted.existing, request)))
        return ledger.toMessage(accepted.existing);
      const inserted = 'inserted' in accepted ? accepted : undefined;
      const known = inserted?.sender && { account: inserted.sender, ...(channel ? { channel } : {}) };
      const delivery = ledger.track(this.deliver(id, data.async === true, inserted?.inserted, known));
      if (data.async) return { id, status: 'queued', chatId: target.recipient };
      const outcome = await delivery;
      if (outcome.error) throw outcome.error;
      return outcome.message;
    }
  }

  /**
   * The same message again after Telegram was unreachable or asked to wait (a client retrying a 503, or a 429 after
   * its Retry-After, with its Idempotency-Key): it is tried again rather than answered with the old failure. Safe:
   * the try that failed either sent nothing or carried the same random_id, which Telegram refuses to post twice.
   * Answers whether it was queued again.
   */
  private async again(existing: MessageRow, request: OutboundRequest): Promise<boolean> {
    if (existing.status !== 'failed' || !RETRYABLE.has(existing.error_code ?? '')) return false;
    return this.deps.ledger.requeueFailed(existing.id, request);
  }

  get(caller: CommandCaller, id: string): Promise<Message> {
    return this.deps.ledger.get(caller, id);
  }

  /**
   * Queued sends, and sends a crash cut off, are delivered when their shard is taken (on start, or from a replica
   * that stopped or died). A resent `sending` row cannot post twice: Telegram refuses its repeated `random_id`.
   */
  async recover(ofUser: (userId: string) => boolean = () => true): Promise<number> {
    const rows = (await this.deps.ledger.unsettled(['queued', 'sending']))
      // A row this replica is delivering right now is `sending` too, but not cut off: leave it alone.
      .filter((row) => ofUser(row.user_id) && !this.delivering.has(row.id));
    for (const row of rows) {
      await this.deps.ledger.requeue(row.id);
      this.inBackground(row.id, 'recovered send failed');
    }
    return rows.length;
  }

  /** Waits for the sends in flight; `stopping` at the service's stop (see `MessageLedger.drain`). */
  drain(stopping = false): Promise<void> {
    return this.deps.ledger.drain(stopping);
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

  private inBackground(id: string, failure: string): void {
    this.deps.ledger
      .track(this.deliver(id, true))
      .catch((error: unknown) => this.deps.logger.error(failure, { messageId: id, error }));
  }

  /**
   * `retry`: an asynchronous send, which waits out Telegram being unreachable instead of failing at once.
   * `inserted`: the row as this replica just accepted it (not read again once claimed); `known`: what the accepting
   * command read of its account and channel.
   */
  private async deliver(id: string, retry: boolean, inserted?: MessageRow, known?: Known): Promise<Outcome> {
    this.delivering.add(id);
    try {
      return await this.deliverOnce(id, retry, inserted, known);
    } finally {
      this.delivering.delete(id);
    }
  }

  private async deliverOnce(
    id: string,
    retry: boolean,
    inserted?: MessageRow,
    known?: Known,
  ): Promise<Outcome> {
    const { accounts, live, sender, ledger } = this.deps;
    // A row this replica has just inserted is claimed already (see `accept`); any other is claimed here.
    const claimed = inserted?.status === 'sending' || (await ledger.claim(id));
    // Claimed, a handed-over row is the row (only this claim changed it); otherwise it is read.
    const row = claimed && inserted ? { ...inserted, status: 'sending' as const } : await ledger.row(id);
    if (!claimed) return { message: ledger.toMessage(row) };
    const ctx = ledger.contextOf(row);
    const request = ledger.storedRequest(row);
    const end = ledger.timeSend(row);
    // Read by the command a moment ago, when it accepted this send; read again otherwise (the account may have been
    // paused or revoked since a queued send was accepted).
    const account =
      known?.account.id === row.account_id ? known.account : await accounts.byId(row.account_id);
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
        async () =>
          sender.send(account.id, () => live.ready(account), await this.targetOf(row, known), id, request),
        SpanKind.CLIENT,
      );
      const outcome = await ledger.settleSent(
        row,
        {
          chatId: sent.chatId,
          ...(sent.telegramMessageId ? { telegramMessageId: sent.telegramMessageId } : {}),
          sentAt: sent.date,
          patch: { chat_id: sent.chatId },
        },
        ctx,
      );
      this.attempts.delete(id);
      return outcome;
    } catch (raw) {
      const error = toDomainError(raw);
      if (account && isSessionGone(error)) await this.note(row, live.failed(account, error, ctx));
      if (account && UNREACHED.has(error.code)) {
        // Whatever this client still holds is abandoned, never sent late (a timed-out send that may have left is
        // settled as UPSTREAM_TIMEOUT, and a resend repeats its random_id); the next try connects anew. A send
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
        await this.note(row, this.deps.channels.markWriteForbidden(row.channel_id, ctx));
      }
      await ledger.settleFailed(row, error, ctx, {
        whileSending: false,
        // Kept only while a retry may send it (Telegram was unreachable); erased like a sent one otherwise.
        keepRequest: UNREACHED.has(error.code),
      });
      return ledger.failure(row, error);
    } finally {
      end();
    }
  }

  /**
   * What a failed send said of its account or channel, noted on the way: the send's failure is recorded whatever
   * becomes of it (one not noted now is noted by the next send that meets the same answer).
   */
  private async note(row: MessageRow, noting: Promise<unknown>): Promise<void> {
    await noting.catch((error: unknown) =>
      this.deps.logger.warn('noting what a failed send said of its account or channel failed', {
        messageId: row.id,
        error,
      }),
    );
  }

  /**
   * Puts an asynchronous send back in the queue and tries it again after Telegram's advised wait, growing, until
   * `MAX_ATTEMPTS`. A resend cannot post twice even if the failed try reached Telegram: its random_id repeats.
   */
  private async retryLater(row: MessageRow, error: DomainError): Promise<boolean> {
    const attempt = (this.attempts.get(row.id) ?? 0) + 1;
    if (attempt >= MAX_ATTEMPTS) return false;
    this.attempts.set(row.id, attempt);
    const delayMs = Math.min(MAX_RETRY_DELAY_MS, (error.retryAfter ?? 5) * 1000 * 2 ** (attempt - 1));
    await this.requeueFor(row, delayMs, 'retried send failed');
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
    const delayMs = Math.max(1, error.retryAfter ?? 1) * 1000;
    await this.requeueFor(row, delayMs, 'send after FLOOD_WAIT failed');
    this.deps.logger.debug('FLOOD_WAIT: send queued until the wait is over', { messageId: row.id, delayMs });
  }

  /** Back to `queued`, and tried again by this replica after `delayMs` (unless its shard moves meanwhile). */
  private async requeueFor(row: MessageRow, delayMs: number, failure: string): Promise<void> {
    await this.deps.ledger.requeue(row.id);
    const timer = setTimeout(() => {
      this.retries.delete(row.id);
      this.inBackground(row.id, failure);
    }, delayMs);
    timer.unref();
    this.retries.set(row.id, { timer, userId: row.user_id });
  }

  /** An attached channel is reached through its stored peer; anything else by what the caller wrote. */
  private async targetOf(row: MessageRow, known?: Known): Promise<SendTarget> {
    if (!row.channel_id) return row.recipient;
    const channel =
      known?.channel?.id === row.channel_id
        ? known.channel
        : await this.deps.channelRows.byId(row.channel_id);
    if (!channel) throw new DomainError('NOT_FOUND', 'The channel was removed.');
    return storedPeer(channel);
  }
}
