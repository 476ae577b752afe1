import {
  DomainError,
  type Channel,
  type EventDataMap,
  type TelegramAccountChannelAttachCommand,
  type TelegramAccountChannelListCommand,
  type TelegramAccountChannelUpdateCommand,
} from '@integrations/contracts';
import { writeLifecycle } from '@integrations/connector-kit';
import {
  ownedOrNotFound,
  type CommandCaller,
  type MessageContext,
  type Messaging,
} from '@integrations/messaging';
import { enqueueOutbox, listPage, sql, type OutboxRelay, type Selectable } from '@integrations/persistence';
import bigInt from 'big-integer';
import { Api, utils, type TelegramClient } from 'telegram';
import { v7 as uuidv7 } from 'uuid';
import type { AccountStore } from '../accounts/account-store';
import type { AccountChannelTable } from '../db/schema';
import type { StoredPeer } from '../messages/account-sender';
import { toDomainError } from '../telegram/errors';
import type { LiveClients } from '../telegram/live-clients';
import type { TelegramCalls } from '../telegram/telegram-calls';

export type ChannelRow = Selectable<AccountChannelTable>;

export function toChannel(row: ChannelRow): Channel {
  const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    chatId: row.chat_id,
    title: row.title,
    type: row.type,
    username: row.username,
    via: { type: 'account', id: row.account_id },
    canPost: Boolean(row.can_post),
    status: row.status,
    isActive: Boolean(row.is_active),
    label: row.label,
    lastCheckedAt: iso(row.last_checked_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

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
      store: AccountStore;
      live: LiveClients;
      calls: TelegramCalls;
      messaging: Messaging;
      relay: OutboxRelay;
    },
  ) {}

  async attach(
    caller: CommandCaller,
    data: TelegramAccountChannelAttachCommand,
    ctx: MessageContext,
  ): Promise<Channel> {
    const { store, live, calls, messaging, relay } = this.deps;
    if (data.via.type !== 'account')
      throw new DomainError('VALIDATION_FAILED', 'Attach through an account here.');
    const account = await store.find({ ...caller, admin: false }, data.via.id);
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
    const values = {
      chat_id: chatId,
      peer_type: chat instanceof Api.Channel ? ('channel' as const) : ('chat' as const),
      peer_id: chat.id.toString(),
      access_hash: chat instanceof Api.Channel ? (chat.accessHash?.toString() ?? '0') : '0',
      title: chat.title,
      type: broadcast ? ('channel' as const) : ('group' as const),
      username: chat instanceof Api.Channel ? (chat.username ?? null) : null,
      can_post: 1,
      status: 'active' as const,
      last_checked_at: new Date(),
      updated_at: new Date(),
    };
    const row = await store.db.transaction().execute(async (trx) => {
      // An upsert, not SELECT … FOR UPDATE first: concurrent attaches would deadlock on the unique index's gaps.
      await trx
        .insertInto('telegram_account_channels')
        .values({
          id: uuidv7(),
          user_id: account.user_id,
          account_id: account.id,
          created_at: new Date(),
          ...values,
        })
        .onDuplicateKeyUpdate(values)
        .execute();
      const { id } = await trx
        .selectFrom('telegram_account_channels')
        .select('id')
        .where('account_id', '=', account.id)
        .where('chat_id', '=', chatId)
        .executeTakeFirstOrThrow();
      const data: EventDataMap['telegram.channel.attached'] = {
        userId: account.user_id,
        channelId: id,
        chatId,
        title: values.title,
        type: values.type,
        via: { type: 'account', id: account.id },
      };
      await enqueueOutbox(trx, messaging.makeEnvelope('telegram.channel.attached', data, ctx));
      return trx
        .selectFrom('telegram_account_channels')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
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
    return listPage(this.deps.store.db, 'telegram_account_channels', caller, data, toChannel, {
      status: data.status,
      isActive: data.isActive,
      search: data.q
        ? { text: data.q.replace(/^@/, ''), columns: ['title', 'username', 'chat_id'] }
        : undefined,
    });
  }

  async find(caller: CommandCaller, id: string): Promise<ChannelRow> {
    const row = await this.deps.store.db
      .selectFrom('telegram_account_channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return ownedOrNotFound(row, caller, 'channel', 'No such channel.');
  }

  /** Pauses, resumes or names a channel of an account; a paused channel is kept but not sent to. */
  async update(
    caller: CommandCaller,
    data: TelegramAccountChannelUpdateCommand,
    ctx: MessageContext,
  ): Promise<Channel> {
    const row = await this.find({ ...caller, admin: false }, data.id);
    const { row: next } = await writeLifecycle({
      db: this.deps.store.db,
      table: 'telegram_account_channels',
      row,
      patch: data,
      eventPrefix: 'telegram.channel',
      eventData: { userId: row.user_id, channelId: row.id, via: { type: 'account', id: row.account_id } },
      makeEnvelope: (type, eventData) => this.deps.messaging.makeEnvelope(type, eventData, ctx),
    });
    this.deps.relay.kick();
    return toChannel(next);
  }

  async remove(caller: CommandCaller, id: string, ctx: MessageContext): Promise<void> {
    const row = await this.find(caller, id);
    await this.deps.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('telegram_account_channels').where('id', '=', row.id).execute();
      const data: EventDataMap['telegram.channel.removed'] = { userId: row.user_id, channelId: row.id };
      await enqueueOutbox(trx, this.deps.messaging.makeEnvelope('telegram.channel.removed', data, ctx));
    });
    this.deps.relay.kick();
  }

  /** A send found the account may no longer write there: the channel says so, once, with its event. */
  async markWriteForbidden(channelId: string, ctx: MessageContext): Promise<void> {
    const changed = await this.deps.store.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('telegram_account_channels')
        .selectAll()
        .where('id', '=', channelId)
        .forUpdate()
        .executeTakeFirst();
      if (!row || row.status === 'write_forbidden') return false;
      await trx
        .updateTable('telegram_account_channels')
        .set({
          status: 'write_forbidden',
          can_post: 0,
          last_checked_at: new Date(),
          updated_at: sql<Date>`current_timestamp(3)`,
        })
        .where('id', '=', channelId)
        .execute();
      const data: EventDataMap['telegram.channel.write_forbidden'] = {
        userId: row.user_id,
        channelId,
        chatId: row.chat_id,
      };
      await enqueueOutbox(
        trx,
        this.deps.messaging.makeEnvelope('telegram.channel.write_forbidden', data, ctx),
      );
      return true;
    });
    if (changed) this.deps.relay.kick();
  }
}
