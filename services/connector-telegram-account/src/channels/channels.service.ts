import { channelFilter, toChannel as channelOf, updateChannel } from '@integrations/connector-kit';
import {
  DomainError,
  type Channel,
  type EventDataMap,
  type TelegramAccountChannelAttachCommand,
  type TelegramAccountChannelListCommand,
  type TelegramAccountChannelUpdateCommand,
} from '@integrations/contracts';
import type { CommandCaller, MessageContext, Messaging } from '@integrations/messaging';
import type { OutboxRelay } from '@integrations/persistence';
import bigInt from 'big-integer';
import { Api, utils, type TelegramClient } from 'telegram';
import { findAccount, type Accounts } from '../accounts/accounts.repository';
import type { StoredPeer } from '../messages/account-sender';
import { toDomainError } from '../telegram/errors';
import type { LiveClients } from '../telegram/live-clients';
import type { TelegramCalls } from '../telegram/telegram-calls';

import { findChannel, type AccountChannels, type AttachedChat, type ChannelRow } from './channels.repository';

export type { ChannelRow };

/** An account's channel as the API shows it. */
export const toChannel = (row: ChannelRow): Channel =>
  channelOf(row, { type: 'account', id: row.account_id });

export const storedPeer = (row: ChannelRow): StoredPeer => ({
  type: row.peer_type,
  id: row.peer_id,
  accessHash: row.access_hash,
});

/** Whether the account may post: a channel's creator or an admin with post rights; a group's member who may write. */
function canPost(chat: Api.Channel | Api.Chat): boolean {
  if (chat.left) return false;
  if (chat instanceof Api.Channel && chat.broadcast)
    return chat.creator === true || chat.adminRights?.postMessages === true;
  if (chat.creator) return true;
  const banned =
    chat instanceof Api.Channel ? (chat.bannedRights ?? chat.defaultBannedRights) : chat.defaultBannedRights;
  return banned?.sendMessages !== true;
}

/** Channels and groups attached through an account, after checking that the account can post there. */
export class AccountChannelsService {
  constructor(
    private readonly deps: {
      accounts: Accounts;
      channels: AccountChannels;
      live: LiveClients;
      calls: TelegramCalls;
      messaging: Pick<Messaging, 'makeEnvelope'>;
      relay: Pick<OutboxRelay, 'kick'>;
    },
  ) {}

  async attach(
    caller: CommandCaller,
    data: TelegramAccountChannelAttachCommand,
    ctx: MessageContext,
  ): Promise<Channel> {
    const { accounts, channels, live, calls, messaging, relay } = this.deps;
    if (data.via.type !== 'account')
      throw new DomainError('VALIDATION_FAILED', 'Attach through an account here.');
    const account = await findAccount(accounts, { ...caller, admin: false }, data.via.id);
    // Connecting the client and the lookup are one bounded call behind the account's breakers.
    const chat = await calls.run(
      account.id,
      async () => this.lookUp(await live.ready(account), data.chat),
      undefined,
      'contacts.ResolveUsername',
    );
    if (!canPost(chat)) {
      throw new DomainError(
        'TELEGRAM_NOT_ADMIN',
        'This account cannot post there (it needs to be an admin with post rights, or a member allowed to write).',
      );
    }
    const chatId = utils.getPeerId(chat);
    const broadcast = chat instanceof Api.Channel && chat.broadcast === true;
    const values: AttachedChat = {
      chat_id: chatId,
      peer_type: chat instanceof Api.Channel ? 'channel' : 'chat',
      peer_id: chat.id.toString(),
      access_hash: chat instanceof Api.Channel ? (chat.accessHash?.toString() ?? '0') : '0',
      title: chat.title,
      type: broadcast ? 'channel' : 'group',
      username: chat instanceof Api.Channel ? (chat.username ?? null) : null,
      can_post: 1,
      status: 'active',
      last_checked_at: new Date(),
      updated_at: new Date(),
    };
    const row = await channels.attach({ userId: account.user_id, accountId: account.id }, values, (id) => {
      const data: EventDataMap['telegram.channel.attached'] = {
        userId: account.user_id,
        channelId: id,
        chatId,
        title: values.title,
        type: values.type,
        via: { type: 'account', id: account.id },
      };
      return messaging.makeEnvelope('telegram.channel.attached', data, ctx);
    });
    relay.kick();
    return toChannel(row);
  }

  private async lookUp(client: TelegramClient, chat: string): Promise<Api.Channel | Api.Chat> {
    try {
      const entity = await client.getEntity(chat.startsWith('@') ? chat : bigInt(chat));
      if (entity instanceof Api.Channel || entity instanceof Api.Chat) return entity;
    } catch (raw) {
      const error = toDomainError(raw);
      // Not knowing the peer means, for an attach, that the chat is not found (API.md's code for this route).
      if (!['TELEGRAM_CHAT_NOT_FOUND', 'TELEGRAM_PEER_NOT_FOUND', 'VALIDATION_FAILED'].includes(error.code))
        throw error;
    }
    throw new DomainError('TELEGRAM_CHAT_NOT_FOUND', 'This account does not know that channel or group.');
  }

  list(caller: CommandCaller, data: TelegramAccountChannelListCommand) {
    return this.deps.channels.list(caller, data, toChannel, channelFilter(data));
  }

  find(caller: CommandCaller, id: string): Promise<ChannelRow> {
    return findChannel(this.deps.channels, caller, id);
  }

  /** Pauses, resumes or names a channel of an account; a paused channel is kept but not sent to. */
  async update(
    caller: CommandCaller,
    data: TelegramAccountChannelUpdateCommand,
    ctx: MessageContext,
  ): Promise<Channel> {
    const row = await this.find({ ...caller, admin: false }, data.id);
    return toChannel(await updateChannel(this.deps, row, data, { type: 'account', id: row.account_id }, ctx));
  }

  async remove(caller: CommandCaller, id: string, ctx: MessageContext): Promise<void> {
    const row = await this.find(caller, id);
    const data: EventDataMap['telegram.channel.removed'] = { userId: row.user_id, channelId: row.id };
    await this.deps.channels.remove(row.id, () => [
      this.deps.messaging.makeEnvelope('telegram.channel.removed', data, ctx),
    ]);
    this.deps.relay.kick();
  }

  /** A send found the account may no longer write there: the channel says so, once, with its event. */
  async markWriteForbidden(channelId: string, ctx: MessageContext): Promise<void> {
    const changed = await this.deps.channels.markWriteForbidden(channelId, (row) => {
      const data: EventDataMap['telegram.channel.write_forbidden'] = {
        userId: row.user_id,
        channelId,
        chatId: row.chat_id,
      };
      return this.deps.messaging.makeEnvelope('telegram.channel.write_forbidden', data, ctx);
    });
    if (changed) this.deps.relay.kick();
  }
}
