import { KeyedQueue, type OutboundRequest } from '@integrations/connector-kit';
import { DomainError } from '@integrations/contracts';
import { createHash } from 'node:crypto';
import bigInt from 'big-integer';
import { Api, utils, type TelegramClient } from 'telegram';
import { HTMLParser } from 'telegram/extensions/html';
import { MarkdownV2Parser } from 'telegram/extensions/markdownv2';
import { CallTimedOutError, toDomainError } from '../telegram/errors';
import { SendAttempt } from '../telegram/send-attempt';
import type { TelegramCalls } from '../telegram/telegram-calls';

export type AccountSendRequest = OutboundRequest;

/** A channel or group stored at attach time: reachable without a lookup, also after a restart. */
export interface StoredPeer {
  type: 'chat' | 'channel';
  id: string;
  accessHash: string;
}

/** `@username`, `+phone` of a contact, a chat id, or an attached channel's stored peer. */
export type SendTarget = string | StoredPeer;

export interface AccountSent {
  chatId: string;
  /** Undefined when Telegram said it already had this message (a resend after a lost answer). */
  telegramMessageId?: string;
  date: Date;
}

/** A connected client for the account (connecting, or reconnecting, it when needed). */
export type ClientFor = () => Promise<TelegramClient>;

/**
 * Sends as an account, one message at a time per account, spaced by `intervalMs` from the previous answer (user
 * accounts that burst get limited or banned), through the connector's bounded calls (the account's breaker and the
 * connector-wide one), and honouring FLOOD_WAIT: after one, the account's sends fail fast with the time left
 * instead of calling Telegram again (asynchronous ones are queued again for after the wait by the caller). Getting a connected client happens inside the call: while Telegram is unreachable the breaker
 * opens, and sends fail fast instead of each trying to connect.
 *
 * `random_id` is derived from our message id, so a resend of the same message (after a crash between Telegram's
 * answer and our commit) is refused by Telegram as RANDOM_ID_DUPLICATE instead of posted twice.
 */
export class AccountSender {
  private readonly queue = new KeyedQueue();
  private readonly lastSend = new Map<string, number>();
  private readonly floodUntil = new Map<string, number>();

  constructor(
    private readonly options: {
      intervalMs: number;
      calls: TelegramCalls;
    },
  ) {}

  /** Sends waiting in the per-account queues. */
  queued(): number {
    return this.queue.size;
  }

  send(
    accountId: string,
    clientFor: ClientFor,
    to: SendTarget,
    messageId: string,
    request: AccountSendRequest,
  ): Promise<AccountSent> {
    return this.queue.run(accountId, () => this.sendNow(accountId, clientFor, to, messageId, request));
  }

  private async sendNow(
    accountId: string,
    clientFor: ClientFor,
    to: SendTarget,
    messageId: string,
    request: AccountSendRequest,
  ): Promise<AccountSent> {
    const blockedMs = (this.floodUntil.get(accountId) ?? 0) - Date.now();
    if (blockedMs > 0) {
      throw new DomainError(
        'TELEGRAM_FLOOD_WAIT',
        'Telegram asked this account to wait before sending again.',
        {
          retryAfter: Math.ceil(blockedMs / 1000),
        },
      );
    }
    const gap = (this.lastSend.get(accountId) ?? 0) + this.options.intervalMs - Date.now();
    if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
    const attempt = new SendAttempt();
    try {
      return await this.options.calls.run(accountId, async () =>
        deliver(await clientFor(), to, messageId, request, attempt),
      );
    } catch (raw) {
      // Given up on while the request may already be with Telegram: an answer of "not sent" would be a guess.
      if (raw instanceof CallTimedOutError && attempt.mayHaveReachedTelegram()) throw uncertainSend();
      const error = toDomainError(raw);
      if (error.code === 'TELEGRAM_FLOOD_WAIT' && error.retryAfter) {
        this.floodUntil.set(accountId, Date.now() + error.retryAfter * 1000);
      }
      throw error;
    } finally {
      // Counted from Telegram's answer, not from the request: the next send reaches Telegram at least
      // `intervalMs` after this one did, however the network delays either.
      this.lastSend.set(accountId, Date.now());
    }
  }

  forget(accountId: string): void {
    this.options.calls.forget(accountId);
    this.lastSend.delete(accountId);
    this.floodUntil.delete(accountId);
  }
}

/** The peer GramJS sends to. */
export async function resolvePeer(client: TelegramClient, to: SendTarget): Promise<Api.TypeInputPeer> {
  if (typeof to !== 'string') {
    return to.type === 'channel'
      ? new Api.InputPeerChannel({ channelId: bigInt(to.id), accessHash: bigInt(to.accessHash) })
      : new Api.InputPeerChat({ chatId: bigInt(to.id) });
  }
  if (to.startsWith('+')) {
    const resolved = await client.invoke(new Api.contacts.ResolvePhone({ phone: to.slice(1) }));
    return client.getInputEntity(resolved.peer);
  }
  if (to.startsWith('@')) return client.getInputEntity(to);
  return client.getInputEntity(bigInt(to));
}

/** Derived from our id: the same message always carries the same random_id. */
function randomIdOf(messageId: string): bigInt.BigInteger {
  return bigInt(createHash('sha256').update(messageId).digest().readBigInt64LE(0).toString());
}

/**
 * A send that Telegram may or may not have received (its call timed out after the request was handed to the
 * connection). Retried with the same message id it cannot post twice: its random_id repeats.
 */
function uncertainSend(): DomainError {
  return new DomainError(
    'UPSTREAM_TIMEOUT',
    'Telegram did not answer in time; the message may have arrived. Sent again with the same Idempotency-Key, it is not posted twice.',
    { retryAfter: 5 },
  );
}

async function deliver(
  client: TelegramClient,
  to: SendTarget,
  messageId: string,
  request: AccountSendRequest,
  attempt: SendAttempt,
): Promise<AccountSent> {
  const peer = await resolvePeer(client, to);
  const [message, entities] =
    request.parseMode === 'HTML'
      ? HTMLParser.parse(request.text)
      : request.parseMode === 'MarkdownV2'
        ? MarkdownV2Parser.parse(request.text)
        : [request.text, undefined];
  const chatId = utils.getPeerId(peer);
  try {
    const sendMessage = new Api.messages.SendMessage({
      peer,
      message,
      entities,
      randomId: randomIdOf(messageId),
      silent: request.disableNotification === true,
      replyTo: request.replyToMessageId
        ? new Api.InputReplyToMessage({ replyToMsgId: Number(request.replyToMessageId) })
        : undefined,
    });
    const result = await attempt.invoke(client, sendMessage);
    return { chatId, ...sentIdOf(result), date: new Date() };
  } catch (error) {
    if ((error as { errorMessage?: string }).errorMessage === 'RANDOM_ID_DUPLICATE') {
      return { chatId, date: new Date() };
    }
    throw error;
  }
}

function sentIdOf(result: Api.TypeUpdates): { telegramMessageId?: string } {
  if (result instanceof Api.UpdateShortSentMessage) return { telegramMessageId: String(result.id) };
  if (result instanceof Api.Updates || result instanceof Api.UpdatesCombined) {
    for (const update of result.updates) {
      if (update instanceof Api.UpdateMessageID) return { telegramMessageId: String(update.id) };
      if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage) {
        return { telegramMessageId: String(update.message.id) };
      }
    }
  }
  return {};
}
