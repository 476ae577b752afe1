import type {
  Channel,
  ChannelPage,
  TelegramChannelAttachCommand,
  TelegramChannelListCommand,
  TelegramChannelUpdateCommand,
} from '@integrations/contracts';
import {
  channelFilter,
  freshChannel,
  toChannel as channelOf,
  updateChannel,
} from '@integrations/connector-kit';
import { DomainError } from '@integrations/contracts';
import { ownedOrNotFound, type MessageContext, type Messaging } from '@integrations/messaging';
import type { OutboxRelay } from '@integrations/persistence';
import type { ChatMember } from 'grammy/types';
import { v7 as uuidv7 } from 'uuid';
import { type Bots, type Caller, findBot } from '../bots/bots.repository';
import type { BotsService } from '../bots/bots.service';
import type { BotApiFactory } from '../telegram/bot-api';
import { toDomainError } from '../telegram/errors';
import type { ChannelRow, Channels } from './channels.repository';

export type { ChannelRow };

/** A bot's channel as the API shows it. */
export const toChannel = (row: ChannelRow): Channel => channelOf(row, { type: 'bot', id: row.bot_id });

/** Can the bot post there? A channel needs an admin with post rights; a group needs a member allowed to write. */
export function canPost(chatType: 'channel' | 'group', member: ChatMember): boolean {
  if (member.status === 'creator') return true;
  if (chatType === 'channel') return member.status === 'administrator' && member.can_post_messages === true;
  if (member.status === 'administrator' || member.status === 'member') return true;
  return member.status === 'restricted' && member.is_member && member.can_send_messages;
}

export class ChannelsService {
  constructor(
    private readonly deps: {
      channels: Channels;
      /** The bots table, to find the bot a chat is attached through. */
      botRows: Pick<Bots, 'byId'>;
      bots: Pick<BotsService, 'tokenOf'>;
      apis: Pick<BotApiFactory, 'forBot'>;
      messaging: Pick<Messaging, 'makeEnvelope'>;
      relay: Pick<OutboxRelay, 'kick'>;
    },
  ) {}

  /** Resolves the chat through the bot, checks the bot may post, and only then stores it. */
  async attach(caller: Caller, data: TelegramChannelAttachCommand, ctx: MessageContext): Promise<Channel> {
    if (data.via.type !== 'bot')
      throw new DomainError('VALIDATION_FAILED', 'This service attaches chats through bots.');
    const bot = await findBot(this.deps.botRows, { ...caller, admin: false }, data.via.id);
    const { query } = await this.deps.apis.forBot(bot, () => this.deps.bots.tokenOf(bot));
    let chat;
    let member;
    try {
      chat = await query.getChat(data.chat);
      member = await query.getChatMember(chat.id, Number(bot.telegram_bot_id));
    } catch (error) {
      throw toDomainError(error, 'attach');
    }
    if (chat.type === 'private')
      throw new DomainError('TELEGRAM_CHAT_NOT_FOUND', 'This is a private chat, not a channel or a group.');
    const type = chat.type === 'channel' ? 'channel' : 'group';
    if (!canPost(type, member)) {
      throw new DomainError(
        'TELEGRAM_NOT_ADMIN',
        type === 'channel'
          ? 'The bot must be an administrator of the channel with the right to post.'
          : 'The bot must be a member of the group allowed to send messages.',
      );
    }
    const now = new Date();
    const row: ChannelRow = {
      id: uuidv7(),
      user_id: caller.userId,
      bot_id: bot.id,
      chat_id: String(chat.id),
      title: 'title' in chat && chat.title ? chat.title : String(chat.id),
      type,
      username: 'username' in chat && chat.username ? chat.username : null,
      ...freshChannel(now),
    };
    const attached = this.deps.messaging.makeEnvelope(
      'telegram.channel.attached',
      {
        userId: caller.userId,
        channelId: row.id,
        chatId: row.chat_id,
        title: row.title,
        type,
        via: { type: 'bot', id: bot.id },
      },
      ctx,
    );
    if (!(await this.deps.channels.insert(row, [attached])))
      throw new DomainError('CONFLICT', 'This chat is already attached through this bot.');
    this.deps.relay.kick();
    return toChannel(row);
  }

  async list(caller: Caller, data: TelegramChannelListCommand): Promise<ChannelPage> {
    return this.deps.channels.list(caller, data, toChannel, channelFilter(data));
  }

  async find(caller: Caller, id: string): Promise<ChannelRow> {
    return ownedOrNotFound(await this.deps.channels.byId(id), caller, 'channel', 'No such channel or group.');
  }

  /** Pauses, resumes or names a channel; a paused channel is kept but not sent to. */
  async update(caller: Caller, data: TelegramChannelUpdateCommand, ctx: MessageContext): Promise<Channel> {
    const row = await this.find({ ...caller, admin: false }, data.id);
    return toChannel(await updateChannel(this.deps, row, data, { type: 'bot', id: row.bot_id }, ctx));
  }

  /** A channel to send to: its own and its bot's pause are checked in the same read. */
  findSendable(caller: Caller, id: string): Promise<ChannelRow> {
    return this.deps.channels.findSendable(caller, id);
  }

  async remove(caller: Caller, id: string, ctx: MessageContext): Promise<Record<string, never>> {
    const row = await this.find(caller, id);
    await this.deps.channels.remove(row.id, () => [
      this.deps.messaging.makeEnvelope(
        'telegram.channel.removed',
        { userId: row.user_id, channelId: row.id },
        ctx,
      ),
    ]);
    this.deps.relay.kick();
    return {};
  }

  /** Telegram refused a post: the channel is marked and everyone listening is told. */
  async markWriteForbidden(row: ChannelRow, ctx: MessageContext): Promise<void> {
    await this.deps.channels.markWriteForbidden(
      row.id,
      this.deps.messaging.makeEnvelope(
        'telegram.channel.write_forbidden',
        { userId: row.user_id, channelId: row.id, chatId: row.chat_id },
        ctx,
      ),
    );
    this.deps.relay.kick();
  }
}
