import type {
  Envelope,
  Message,
  TelegramBotSendCommand,
  TelegramChannelSendCommand,
} from '@integrations/contracts';
import { DomainError } from '@integrations/contracts';
import { contextOf, ownedOrNotFound, type MessageContext, type Messaging } from '@integrations/messaging';
import { telegramMetrics, type Logger, type Registry } from '@integrations/observability';
import {
  enqueueOutbox,
  sql,
  type Kysely,
  type OutboxRelay,
  type Selectable,
} from '@integrations/persistence';
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { ensureActive } from '@integrations/connector-kit';
import { type BotRow, type Caller, findBot } from '../bots/bot-repository';
import type { BotsService } from '../bots/bots.service';
import type { ChannelsService } from '../channels/channels.service';
import type { BotDatabase, MessageTable } from '../db/schema';
import type { BotApiFactory } from '../telegram/bot-api';
import type { ReplicaPresence } from './replica-presence';
import { toDomainError } from '../telegram/errors';

type MessageRow = Selectable<MessageTable>;
type Outcome = { message: Message; error?: DomainError };
type Pending = { delivery: Promise<Outcome> };

interface SendRequest {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  replyToMessageId?: string;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    // `sending` is ours (a claim while Telegram answers); to callers the message is still on its way.
    status: row.status === 'sending' ? 'queued' : row.status,
    chatId: row.chat_id,
    ...(row.telegram_message_id ? { telegramMessageId: row.telegram_message_id } : {}),
    ...(row.sent_at ? { sentAt: new Date(row.sent_at).toISOString() } : {}),
    ...(row.error_code
      ? { error: { code: row.error_code as DomainError['code'], detail: row.error_detail ?? '' } }
      : {}),
  };
}

/**
 * Sends through a bot, exactly once per message id: the id (made by the api, or derived from the envelope's
 * idempotency key) is the primary key, so a retried command finds the first attempt instead of sending again.
 * A synchronous send answers with Telegram's verdict; an async one answers `queued` and finishes in the
 * background (and after a restart, from the table).
 */
export class MessagesService {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per-chat queues: messages to one chat are accepted and delivered in the order their commands arrived. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly metrics;

  constructor(
    private readonly deps: {
      db: Kysely<BotDatabase>;
      bots: BotsService;
      channels: ChannelsService;
      apis: BotApiFactory;
      messaging: Messaging;
      relay: OutboxRelay;
      registry: Registry;
      logger: Logger;
      presence: ReplicaPresence;
    },
  ) {
    this.metrics = telegramMetrics(deps.registry);
  }

  sendViaBot(caller: Caller, data: TelegramBotSendCommand, envelope: Envelope): Promise<Message> {
    return this.inOrder(`bot:${data.botId}:${data.chatId}`, async (enqueue) => {
      const bot = await findBot(this.deps.db, { ...caller, admin: false }, data.botId);
      ensureActive(bot, 'bot');
      const target = { via_type: 'bot' as const, bot_id: bot.id, channel_id: null, chat_id: data.chatId };
      return this.accept(envelope, data, target, (id, inserted) => enqueue(id, inserted, bot));
    });
  }

  sendViaChannel(caller: Caller, data: TelegramChannelSendCommand, envelope: Envelope): Promise<Message> {
    return this.inOrder(`channel:${data.channelId}`, async (enqueue) => {
      const channel = await this.deps.channels.findSendable({ ...caller, admin: false }, data.channelId);
      const target = {
        via_type: 'channel' as const,
        bot_id: channel.bot_id,
        channel_id: channel.id,
        chat_id: channel.chat_id,
      };
      return this.accept(envelope, data, target, enqueue);
    });
  }

  /**
   * Accepting (the insert) runs one at a time per chat, in the order the commands arrived, and each accepted
   * message joins that chat's delivery queue; a synchronous send then waits for its own delivery.
   */
  private async inOrder(
    key: string,
    accept: (
      enqueue: (id: string, inserted: MessageRow, bot?: BotRow) => Promise<Outcome>,
    ) => Promise<Message | Pending>,
  ): Promise<Message> {
    const enqueue = (id: string, inserted: MessageRow, bot?: BotRow) => {
      // The bot as accepting just read it serves delivery only when delivery starts at once (nothing of this chat
      // queued before it); a send that waits reads the bot when its turn comes (removed or revoked meanwhile).
      const now = this.chains.has(`deliver:${key}`) ? undefined : bot;
      return this.chain(`deliver:${key}`, () => this.deliver(id, inserted, now));
    };
    const accepted = await this.chain(`accept:${key}`, () => accept(enqueue));
    if (!('delivery' in accepted)) return accepted;
    const outcome = await accepted.delivery;
    if (outcome.error) throw outcome.error;
    return outcome.message;
  }

  private chain<T>(key: string, step: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(step, step);
    const settled = next.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return next;
  }

  async get(caller: Caller, id: string): Promise<Message> {
    const row = await this.deps.db
      .selectFrom('telegram_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return toMessage(ownedOrNotFound(row, caller, 'message', 'No such message.'));
  }

  /** Queued messages left by a stopped replica are sent on start. */
  async recoverQueued(): Promise<number> {
    const rows = await this.deps.db
      .selectFrom('telegram_messages')
      .select('id')
      .where('status', '=', 'queued')
      .execute();
    for (const row of rows) this.background(row.id);
    return rows.length;
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Answers the message at once (a duplicate, or queued for async) or the promise of its delivery. */
  private async accept(
    envelope: Envelope,
    data: SendRequest & { messageId?: string; async?: boolean },
    target: Pick<MessageRow, 'via_type' | 'bot_id' | 'channel_id' | 'chat_id'>,
    enqueue: (id: string, inserted: MessageRow) => Promise<Outcome>,
  ): Promise<Message | Pending> {
    const id = data.messageId ?? idFromKey(envelope) ?? uuidv7();
    const request: SendRequest = {
      text: data.text,
      ...(data.parseMode ? { parseMode: data.parseMode } : {}),
      ...(data.disableNotification !== undefined ? { disableNotification: data.disableNotification } : {}),
      ...(data.replyToMessageId ? { replyToMessageId: data.replyToMessageId } : {}),
    };
    const values = {
      id,
      user_id: envelope.userid,
      ...target,
      request: JSON.stringify(request),
      status: 'queued' as const,
      telegram_message_id: null,
      error_code: null,
      error_detail: null,
      sent_at: null,
      context: JSON.stringify(contextOf(envelope)),
    };
    try {
      await this.deps.db.insertInto('telegram_messages').values(values).execute();
    } catch (error) {
      if ((error as { code?: string }).code !== 'ER_DUP_ENTRY') throw error;
      // The same message again (a retried command): answer with what happened to the first one.
      const existing = await this.deps.db
        .selectFrom('telegram_messages')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      if (existing.user_id !== envelope.userid)
        throw new DomainError('CONFLICT', 'This message id is taken.');
      return toMessage(existing);
    }
    // Wrapped, not returned: an async function would flatten the promise and hold the chat's accept queue.
    // What was just inserted is what delivery reads: it is handed over rather than read back (its timestamps, which
    // delivery does not use, are the database's).
    const now = new Date();
    const inserted: MessageRow = { ...values, sending_replica: null, created_at: now, updated_at: now };
    const pending: Pending = { delivery: this.track(enqueue(id, inserted)) };
    if (data.async) return { id, status: 'queued', chatId: target.chat_id };
    return pending;
  }

  private track<T>(job: Promise<T>): Promise<T> {
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job)).catch(() => undefined);
    return job;
  }

  private background(id: string): void {
    this.track(this.deliver(id)).catch((error: unknown) =>
      this.deps.logger.error('background send failed', { messageId: id, error }),
    );
  }

  /**
   * `inserted`: the row as this replica just accepted it (not read again); otherwise it is read from the table.
   * `botNow`: the bot as accepting read it an instant ago, when delivery follows at once; otherwise it is read.
   */
  private async deliver(id: string, inserted?: MessageRow, botNow?: BotRow): Promise<Outcome> {
    const { db } = this.deps;
    const row =
      inserted ??
      (await db.selectFrom('telegram_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    if (row.status !== 'queued') return { message: toMessage(row) };
    // Claimed before Telegram is called: another replica (recovering queued rows) cannot send it too. Only a row
    // still `queued` is claimed, so a handed-over row that moved on meanwhile is not sent again.
    const claimed = await db
      .updateTable('telegram_messages')
      .set({ status: 'sending', sending_replica: this.deps.presence.id })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return { message: toMessage({ ...row, status: 'sending' }) };
    const ctx = row.context ? (JSON.parse(row.context) as MessageContext) : { userId: row.user_id };
    const request = JSON.parse(row.request ?? '{"text":""}') as SendRequest;
    const bot =
      botNow ??
      (await db.selectFrom('telegram_bots').selectAll().where('id', '=', row.bot_id).executeTakeFirst());
    const end = this.metrics.sendDuration.startTimer({ type: row.via_type });
    try {
      if (!bot) throw new DomainError('NOT_FOUND', 'The bot was removed.');
      if (bot.status === 'revoked')
        throw new DomainError(
          'TELEGRAM_TOKEN_INVALID',
          'The bot token was revoked at Telegram; connect the bot again.',
        );
      // Paused after this was accepted: nothing goes out through a bot its user stopped.
      ensureActive(bot, 'bot');
      const { send } = this.deps.apis.forBot(bot.id, await this.deps.bots.tokenOf(bot));
      const options = {
        ...(request.parseMode ? { parse_mode: request.parseMode } : {}),
        ...(request.disableNotification ? { disable_notification: true } : {}),
        ...(request.replyToMessageId
          ? {
              reply_parameters: {
                message_id: Number(request.replyToMessageId),
                allow_sending_without_reply: true,
              },
            }
          : {}),
      };
      // The Bot API call is a client span of its own (tracingTransformer): ids only, never the text or token.
      const sent = await send.sendMessage(row.chat_id, request.text, options);
      const sentAt = new Date(sent.date * 1000 > Date.now() - 60_000 ? sent.date * 1000 : Date.now());
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('telegram_messages')
          .set({
            status: 'sent',
            telegram_message_id: String(sent.message_id),
            sent_at: sentAt,
            request: null,
            sending_replica: null,
            updated_at: sql<Date>`current_timestamp(3)`,
          })
          .where('id', '=', id)
          .execute();
        await enqueueOutbox(
          trx,
          this.deps.messaging.makeEnvelope(
            'telegram.message.sent',
            {
              userId: row.user_id,
              messageId: id,
              via: via(row),
              chatId: String(sent.chat.id),
              telegramMessageId: String(sent.message_id),
              sentAt: sentAt.toISOString(),
              ...historyOf(row, request, chatTitleOf(sent.chat)),
            },
            ctx,
          ),
        );
      });
      this.metrics.messagesSent.inc({ type: row.via_type });
      this.deps.relay.kick();
      return {
        message: {
          id,
          status: 'sent',
          chatId: row.chat_id,
          telegramMessageId: String(sent.message_id),
          sentAt: sentAt.toISOString(),
        },
      };
    } catch (raw) {
      const error = toDomainError(raw, 'send');
      if (bot && error.code === 'TELEGRAM_TOKEN_INVALID' && bot.status !== 'revoked')
        await this.deps.bots.markRevoked(bot);
      if (error.code === 'TELEGRAM_WRITE_FORBIDDEN' && row.channel_id) {
        const channel = await db
          .selectFrom('telegram_channels')
          .selectAll()
          .where('id', '=', row.channel_id)
          .executeTakeFirst();
        if (channel && channel.status !== 'write_forbidden')
          await this.deps.channels.markWriteForbidden(channel, ctx);
      }
      await this.markFailed(row, error, ctx);
      return {
        message: {
          id,
          status: 'failed',
          chatId: row.chat_id,
          error: { code: error.code, detail: error.message },
        },
        error,
      };
    } finally {
      end();
    }
  }

  /**
   * Messages left `sending` by a replica that is gone (killed inside the call to Telegram): whether Telegram got
   * them cannot be known, and sending again could post twice, so they fail with UPSTREAM_TIMEOUT and say why.
   */
  async settleOrphans(): Promise<number> {
    const { db, presence } = this.deps;
    const rows = await db
      .selectFrom('telegram_messages')
      .selectAll()
      .where('status', '=', 'sending')
      .execute();
    if (rows.length === 0) return 0;
    const alive = await presence.alive([...new Set(rows.map((r) => r.sending_replica ?? ''))]);
    let settled = 0;
    for (const row of rows.filter((r) => !alive.has(r.sending_replica ?? ''))) {
      const ctx = row.context ? (JSON.parse(row.context) as MessageContext) : { userId: row.user_id };
      const error = new DomainError(
        'UPSTREAM_TIMEOUT',
        'The connector stopped while Telegram was answering; the message may or may not have arrived, so it is not sent again.',
      );
      if (await this.markFailed(row, error, ctx)) settled += 1;
    }
    if (settled)
      this.deps.logger.warn('messages of a stopped replica settled as uncertain', { count: settled });
    return settled;
  }

  /** Failed, with its event, in one transaction; only while still `sending` (false if it moved on). */
  private async markFailed(row: MessageRow, error: DomainError, ctx: MessageContext): Promise<boolean> {
    const moved = await this.deps.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('telegram_messages')
        .set({
          status: 'failed',
          error_code: error.code,
          error_detail: error.message.slice(0, 500),
          request: null,
          sending_replica: null,
          updated_at: sql<Date>`current_timestamp(3)`,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await enqueueOutbox(
        trx,
        this.deps.messaging.makeEnvelope(
          'telegram.message.failed',
          {
            userId: row.user_id,
            messageId: row.id,
            via: via(row),
            chatId: row.chat_id,
            error: { code: error.code, detail: error.message },
            ...historyOf(row, JSON.parse(row.request ?? '{"text":""}') as SendRequest),
          },
          ctx,
        ),
      );
      return true;
    });
    if (moved) {
      this.metrics.messagesError.inc({ type: row.via_type });
      this.deps.relay.kick();
    }
    return moved;
  }
}

/** What the history shows of a send: its text, the channel it went to, and the chat's name when known. */
function historyOf(
  row: MessageRow,
  request: SendRequest,
  chatTitle?: string,
): { text?: string; channelId?: string; chatTitle?: string } {
  return {
    ...(request.text ? { text: request.text } : {}),
    ...(row.channel_id ? { channelId: row.channel_id } : {}),
    ...(chatTitle ? { chatTitle: chatTitle.slice(0, 255) } : {}),
  };
}

/** A group's or channel's title, a person's name, or their @username. */
function chatTitleOf(chat: {
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}): string | undefined {
  const name = chat.title ?? [chat.first_name, chat.last_name].filter(Boolean).join(' ');
  return name || (chat.username ? `@${chat.username}` : undefined);
}

function via(row: MessageRow): { type: 'bot' | 'channel'; id: string } {
  return row.via_type === 'channel' && row.channel_id
    ? { type: 'channel', id: row.channel_id }
    : { type: 'bot', id: row.bot_id };
}

/** Another platform service may send without a message id but with an idempotency key: derive a stable id. */
function idFromKey(envelope: Envelope): string | undefined {
  if (!envelope.idempotencykey) return undefined;
  return `k${createHash('sha256').update(`${envelope.userid}\n${envelope.idempotencykey}`).digest('hex').slice(0, 40)}`;
}
