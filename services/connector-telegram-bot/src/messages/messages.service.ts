import type {
  Envelope,
  Message,
  TelegramBotSendCommand,
  TelegramChannelSendCommand,
} from '@integrations/contracts';
import { DomainError } from '@integrations/contracts';
import type { CommandMeta, MessageContext } from '@integrations/messaging';
import type { Logger } from '@integrations/observability';
import {
  KeyedQueue,
  MessageLedger,
  ensureActive,
  type LedgerValues,
  type OutboundRequest,
  type Outcome,
} from '@integrations/connector-kit';
import { type BotRow, type Bots, type Caller, ownBot } from '../bots/bots.repository';
import type { BotsService } from '../bots/bots.service';
import type { Channels } from '../channels/channels.repository';
import type { ChannelsService } from '../channels/channels.service';
import type { MessageRow } from './messages.ledger';
import type { BotApiFactory } from '../telegram/bot-api';
import type { ReplicaPresence } from './replica-presence';
import { toDomainError } from '../telegram/errors';

type Pending = { delivery: Promise<Outcome> };

/**
 * Sends through a bot, exactly once per message id: the ledger (connector-kit) keeps each send under its id, so a
 * retried command finds the first attempt instead of sending again. A synchronous send answers with Telegram's
 * verdict; an async one answers `queued` and finishes in the background (and after a restart, from the table).
 */
export class MessagesService {
  /** Per-chat queues: messages to one chat are accepted and delivered in the order their commands arrived. */
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly deps: {
      /** The bots and channels tables, for the bot and channel of a send. */
      botRows: Pick<Bots, 'byId'>;
      channelRows: Pick<Channels, 'byId'>;
      bots: Pick<BotsService, 'tokenOf' | 'markRevoked'>;
      channels: Pick<ChannelsService, 'findSendable' | 'markWriteForbidden'>;
      apis: Pick<BotApiFactory, 'forBot'>;
      logger: Logger;
      presence: ReplicaPresence;
      /** The bot sends' ledger (`botMessageLedger`). */
      ledger: MessageLedger<MessageRow, BotRow>;
    },
  ) {}

  /**
   * `meta.answered` false: nobody waits for this command's reply (a platform service's command, or an async send
   * the api accepted with a publish alone), so a refusal (the bot gone, paused or not the sender's) is recorded as
   * the message's failure, with its event, instead of a reply no one reads. The chat is the sender's own, so the
   * record tells them nothing new.
   */
  sendViaBot(
    caller: Caller,
    data: TelegramBotSendCommand,
    envelope: Envelope,
    meta?: CommandMeta,
  ): Promise<Message> {
    const target = { via_type: 'bot' as const, bot_id: data.botId, channel_id: null, chat_id: data.chatId };
    return this.inOrder(`bot:${data.botId}:${data.chatId}`, (enqueue, atOnce) =>
      this.acceptCheckingBot(envelope, data, target, atOnce, enqueue, { ...caller, admin: false }, meta),
    );
  }

  sendViaChannel(caller: Caller, data: TelegramChannelSendCommand, envelope: Envelope): Promise<Message> {
    return this.inOrder(`channel:${data.channelId}`, async (enqueue, atOnce) => {
      const owner = { ...caller, admin: false };
      const channel = await this.deps.channels.findSendable(owner, data.channelId);
      const target = {
        via_type: 'channel' as const,
        bot_id: channel.bot_id,
        channel_id: channel.id,
        chat_id: channel.chat_id,
      };
      // Its bot is checked again, and read for delivery, in the insert's trip: paused or removed since the channel
      // was read, nothing is stored or sent.
      return this.acceptCheckingBot(envelope, data, target, atOnce, enqueue, owner);
    });
  }

  /**
   * `accept` with the bot checked (the owner's, not paused) in the insert's own round trip and read there for
   * delivery. A refusal throws why, or with `meta.answered` false is recorded as a failed message.
   */
  private async acceptCheckingBot(
    envelope: Envelope,
    data: OutboundRequest & { messageId?: string; async?: boolean },
    target: Pick<MessageRow, 'via_type' | 'bot_id' | 'channel_id' | 'chat_id'>,
    atOnce: () => boolean,
    enqueue: (id: string, inserted: MessageRow, bot?: BotRow) => Promise<Outcome>,
    owner: Caller,
    meta?: CommandMeta,
  ): Promise<Message | Pending> {
    for (let attempt = 1; ; attempt++) {
      const accepted = await this.accept(envelope, data, target, atOnce, enqueue);
      if (!('refused' in accepted)) return accepted;
      const refusal = refusalOf(accepted.refused, owner);
      if (refusal) {
        if (meta?.answered === false) return this.refuse(envelope, data, target, refusal);
        throw refusal;
      }
      // The bot as read after the refusal allows the send: it was resumed (or given back) in between. Again.
      if (attempt === 3) throw new Error(`bot ${target.bot_id} kept changing while a send was accepted`);
    }
  }

  /**
   * Accepting (the insert) runs one at a time per chat, in the order the commands arrived, and each accepted
   * message joins that chat's delivery queue; a synchronous send then waits for its own delivery.
   */
  private async inOrder(
    key: string,
    accept: (
      enqueue: (id: string, inserted: MessageRow, bot?: BotRow) => Promise<Outcome>,
      /** Nothing of this chat waits for delivery: the message accepted now is delivered at once. */
      atOnce: () => boolean,
    ) => Promise<Message | Pending>,
  ): Promise<Message> {
    const enqueue = (id: string, inserted: MessageRow, bot?: BotRow) => {
      // The bot as accepting just read it serves delivery only when delivery starts at once (nothing of this chat
      // queued before it); a send that waits reads the bot when its turn comes (removed or revoked meanwhile).
      const now = this.queue.has(`deliver:${key}`) ? undefined : bot;
      return this.queue.run(`deliver:${key}`, () => this.deliver(id, inserted, now));
    };
    const atOnce = () => !this.queue.has(`deliver:${key}`);
    const accepted = await this.queue.run(`accept:${key}`, () => accept(enqueue, atOnce));
    if (!('delivery' in accepted)) return accepted;
    const outcome = await accepted.delivery;
    if (outcome.error) throw outcome.error;
    return outcome.message;
  }

  get(caller: Caller, id: string): Promise<Message> {
    return this.deps.ledger.get(caller, id);
  }

  /** Queued messages left by a stopped replica are sent on start. */
  async recoverQueued(): Promise<number> {
    const rows = await this.deps.ledger.unsettled(['queued']);
    for (const row of rows) this.background(row.id);
    return rows.length;
  }

  /** The stop's wait for the sends in flight (see `MessageLedger.drain`). */
  drain(): Promise<void> {
    return this.deps.ledger.drain(true);
  }

  /**
   * Answers the message at once (a duplicate, or queued for async) or the promise of its delivery. The insert happens
   * only if the row's bot is the sender's own and not paused (checked in the insert's trip; the bot as read there
   * goes to delivery); `refused` (nothing written) carries the bot as read otherwise.
   */
  private async accept(
    envelope: Envelope,
    data: OutboundRequest & { messageId?: string; async?: boolean },
    target: Pick<MessageRow, 'via_type' | 'bot_id' | 'channel_id' | 'chat_id'>,
    atOnce: () => boolean,
    enqueue: (id: string, inserted: MessageRow, bot?: BotRow) => Promise<Outcome>,
  ): Promise<Message | Pending | { refused: BotRow | undefined }> {
    const { ledger } = this.deps;
    const id = ledger.idOf(data.messageId, envelope);
    // Delivered at once (nothing of this chat before it; accepts of one chat run one at a time, so that holds until
    // it is enqueued): stored already claimed by this replica, which spares the claim's UPDATE and its commit. A
    // crash after this insert and before Telegram is called leaves it `sending`, settled as uncertain, exactly as a
    // crash after the claim did; the claim only ever preceded the call by one statement (ADR 0015).
    const claimed = atOnce();
    const values: LedgerValues<MessageRow> = {
      ...ledger.valuesOf(id, envelope, ledger.requestOf(data), target),
      ...(claimed ? { status: 'sending' as const } : {}),
      sending_replica: claimed ? this.deps.presence.id : null,
    };
    const accepted = await ledger.acceptIfSenderAllows(values);
    if ('refused' in accepted) return accepted;
    // The same message again (a retried command): answer with what happened to the first one.
    if ('existing' in accepted) return ledger.toMessage(accepted.existing);
    // Wrapped, not returned: an async function would flatten the promise and hold the chat's accept queue.
    // What was just inserted is what delivery reads: it is handed over rather than read back.
    const pending: Pending = { delivery: ledger.track(enqueue(id, accepted.inserted, accepted.sender)) };
    if (data.async) return { id, status: 'queued', chatId: target.chat_id };
    return pending;
  }

  /** A send that was never accepted, stored as failed with its `telegram.message.failed` event. */
  private async refuse(
    envelope: Envelope,
    data: OutboundRequest & { messageId?: string },
    target: Pick<MessageRow, 'via_type' | 'bot_id' | 'channel_id' | 'chat_id'>,
    error: DomainError,
  ): Promise<Message> {
    const { ledger } = this.deps;
    const id = ledger.idOf(data.messageId, envelope);
    const accepted = await ledger.accept({
      ...ledger.valuesOf(id, envelope, ledger.requestOf(data), target),
      sending_replica: null,
    });
    // The same command again: the first one's record stands.
    if ('existing' in accepted) return ledger.toMessage(accepted.existing);
    const row = accepted.inserted;
    await ledger.settleFailed(row, error, ledger.contextOf(row), { whileSending: false });
    return ledger.failure(row, error).message;
  }

  private background(id: string): void {
    this.deps.ledger
      .track(this.deliver(id))
      .catch((error: unknown) => this.deps.logger.error('background send failed', { messageId: id, error }));
  }

  /**
   * `inserted`: the row as this replica just accepted it (not read again); otherwise it is read from the table.
   * `botNow`: the bot as accepting read it an instant ago, when delivery follows at once; otherwise it is read.
   */
  private async deliver(id: string, inserted?: MessageRow, botNow?: BotRow): Promise<Outcome> {
    const { botRows, ledger } = this.deps;
    // A row this replica has just inserted `sending` is claimed already (see `accept`).
    const claimedAlready =
      inserted?.status === 'sending' && inserted.sending_replica === this.deps.presence.id;
    const row = inserted ?? (await ledger.row(id));
    let bot = botNow;
    if (!claimedAlready) {
      if (row.status !== 'queued') return { message: ledger.toMessage(row) };
      // Claimed before Telegram is called: another replica (recovering queued rows) cannot send it too. Only a row
      // still `queued` is claimed, so a handed-over row that moved on meanwhile is not sent again. The bot is read
      // in the claim's trip: a send that waited is checked against the bot as it is now.
      const claim = await ledger.claimReadingSender(id, row.bot_id, {
        sending_replica: this.deps.presence.id,
      });
      if (!claim.claimed) return { message: ledger.toMessage({ ...row, status: 'sending' }) };
      bot = claim.sender;
    } else {
      bot ??= await botRows.byId(row.bot_id);
    }
    const ctx = ledger.contextOf(row);
    const request = ledger.storedRequest(row);
    const end = ledger.timeSend(row);
    try {
      if (!bot) throw new DomainError('NOT_FOUND', 'The bot was removed.');
      if (bot.status === 'revoked')
        throw new DomainError(
          'TELEGRAM_TOKEN_INVALID',
          'The bot token was revoked at Telegram; connect the bot again.',
        );
      // Paused after this was accepted: nothing goes out through a bot its user stopped.
      ensureActive(bot, 'bot');
      const { send } = await this.deps.apis.forBot(bot, () => this.deps.bots.tokenOf(bot));
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
      const title = chatTitleOf(sent.chat);
      return await ledger.settleSent(
        row,
        {
          chatId: String(sent.chat.id),
          shownChatId: row.chat_id,
          telegramMessageId: String(sent.message_id),
          sentAt,
          ...(title ? { chatTitle: title } : {}),
          patch: { sending_replica: null },
        },
        ctx,
      );
    } catch (raw) {
      const error = toDomainError(raw, 'send');
      // The send's failure is recorded whatever becomes of noting what it said of the bot or channel: one not
      // noted now is noted by the next send that meets the same answer.
      await this.noteRefusal(bot, row, error, ctx).catch((noteError: unknown) =>
        this.deps.logger.warn('noting what a failed send said of its bot or channel failed', {
          messageId: row.id,
          error: noteError,
        }),
      );
      await this.markFailed(row, error);
      return ledger.failure(row, error);
    } finally {
      end();
    }
  }

  /** A revoked token marks its bot; a chat that refuses the bot marks the channel it was sent through. */
  private async noteRefusal(
    bot: BotRow | undefined,
    row: MessageRow,
    error: DomainError,
    ctx: MessageContext,
  ): Promise<void> {
    if (bot && error.code === 'TELEGRAM_TOKEN_INVALID' && bot.status !== 'revoked')
      await this.deps.bots.markRevoked(bot);
    if (error.code === 'TELEGRAM_WRITE_FORBIDDEN' && row.channel_id) {
      const channel = await this.deps.channelRows.byId(row.channel_id);
      if (channel && channel.status !== 'write_forbidden')
        await this.deps.channels.markWriteForbidden(channel, ctx);
    }
  }

  /**
   * Messages left `sending` by a replica that is gone (killed inside the call to Telegram): whether Telegram got
   * them cannot be known, and sending again could post twice, so they fail with UPSTREAM_TIMEOUT and say why.
   */
  async settleOrphans(): Promise<number> {
    const rows = await this.deps.ledger.sending();
    if (rows.length === 0) return 0;
    const alive = await this.deps.presence.alive([...new Set(rows.map((r) => r.sending_replica ?? ''))]);
    let settled = 0;
    for (const row of rows.filter((r) => !alive.has(r.sending_replica ?? ''))) {
      const error = new DomainError(
        'UPSTREAM_TIMEOUT',
        'The connector stopped while Telegram was answering; the message may or may not have arrived, so it is not sent again.',
      );
      if (await this.markFailed(row, error)) settled += 1;
    }
    if (settled)
      this.deps.logger.warn('messages of a stopped replica settled as uncertain', { count: settled });
    return settled;
  }

  /** Failed, with its event, in one transaction; only while still `sending` (false if it moved on). */
  private markFailed(row: MessageRow, error: DomainError): Promise<boolean> {
    return this.deps.ledger.settleFailed(row, error, this.deps.ledger.contextOf(row), { whileSending: true });
  }
}

/** Why `bot` refuses the owner's send (missing, another user's, paused), or undefined when it does not. */
function refusalOf(bot: BotRow | undefined, owner: Caller): DomainError | undefined {
  try {
    ensureActive(ownBot(bot, owner), 'bot');
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
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
