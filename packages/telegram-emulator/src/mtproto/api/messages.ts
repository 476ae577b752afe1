import { chatPeer, type Chat, type Message, type User, type World } from '../../world';
import { badRequest, floodWait, RpcError } from '../rpc-error';
import type { ServerState } from '../state';
import { Api, longOf } from '../tl';
import { apiChat, apiMessage, apiUser, isActive, memberOf, usersOf } from './convert';
import { method, type MethodSpec } from './context';
import { channelFor, chatForPeer } from './resolve';

const MAX_TEXT = 4096;

/**
 * May `user` write to `chat`? Telegram's answers: a channel or group the user is not in is CHANNEL_PRIVATE /
 * CHAT_ID_INVALID-like; a member without the right gets CHAT_WRITE_FORBIDDEN (403); a bot that was blocked,
 * USER_IS_BLOCKED.
 */
function assertCanWrite(world: World, chat: Chat, user: User): void {
  const member = memberOf(chat, user.id);
  if (chat.type === 'private') {
    const other = [...chat.members.values()].find((m) => m !== member);
    if (other?.role === 'kicked') throw badRequest('USER_IS_BLOCKED');
    const recipient = other?.ref.type === 'user' ? world.getUser(other.ref.id) : undefined;
    if (recipient?.restrictsMessages === true) throw new RpcError(403, 'PRIVACY_PREMIUM_REQUIRED');
    return;
  }
  if (!isActive(member)) {
    if (chat.type === 'group') throw new RpcError(403, 'CHAT_WRITE_FORBIDDEN');
    throw badRequest('CHANNEL_PRIVATE');
  }
  if (!member.canPost) throw new RpcError(403, 'CHAT_WRITE_FORBIDDEN');
}

/** Telegram's flood limits for a user account: per chat as for bots, and the per-sender rate. */
function checkFlood(world: World, user: User, chat: Chat): void {
  const limits = world.limits;
  if (!limits.enabled) return;
  const chatRule = chat.type === 'private' ? limits.perPrivateChat : limits.perGroup;
  const waitMs = world.flood.hitAll([
    [`user:${user.id}`, limits.perBot],
    [`chat:user:${user.id}:${chat.key}`, chatRule],
  ]);
  if (waitMs > 0) throw floodWait(limits.retryAfterSeconds ?? waitMs / 1000);
}

/** The pts stream an update belongs to: the channel's own, or the user's for private chats and groups. */
export const ptsKey = (chat: Chat, userId: number): string =>
  chat.type === 'channel' || chat.type === 'supergroup' ? `channel:${chat.id}` : `user:${userId}`;

const sendMessage = method(Api.messages.SendMessage, (ctx, request) => {
  const { world } = ctx.state;
  const me = ctx.user;
  const text = request.message;
  if (text.trim().length === 0) throw badRequest('MESSAGE_EMPTY');
  if (text.length > MAX_TEXT) throw badRequest('MESSAGE_TOO_LONG');
  const chat = chatForPeer(world, me.id, request.peer);
  if (request.randomId === undefined) throw badRequest('RANDOM_ID_INVALID');
  const randomId = request.randomId.toString();
  if (ctx.state.randomIds.find(me.id, randomId) !== undefined) throw new RpcError(500, 'RANDOM_ID_DUPLICATE');
  assertCanWrite(world, chat, me);
  checkFlood(world, me, chat);
  const replyTo =
    request.replyTo instanceof Api.InputReplyToMessage ? request.replyTo.replyToMsgId : undefined;
  const message = world.postMessage(
    chat,
    { type: 'user', id: me.id },
    {
      text,
      replyToMessageId: replyTo !== undefined && world.findMessage(chat, replyTo) ? replyTo : undefined,
      disableNotification: request.silent === true,
    },
  );
  ctx.state.randomIds.remember(me.id, randomId, message.messageId);
  const pts = ctx.state.pts.next(ptsKey(chat, me.id));
  if (chat.type === 'private' || chat.type === 'group') {
    return new Api.UpdateShortSentMessage({
      out: true,
      id: message.messageId,
      pts,
      ptsCount: 1,
      date: message.date,
    });
  }
  return new Api.Updates({
    updates: [
      new Api.UpdateMessageID({ id: message.messageId, randomId: request.randomId }),
      new Api.UpdateNewChannelMessage({ message: apiMessage(chat, message, me.id), pts, ptsCount: 1 }),
    ],
    users: [apiUser(me, me.id)],
    chats: [apiChat(chat, me.id)],
    date: message.date,
    seq: 0,
  });
});

const getChats = method(Api.messages.GetChats, (ctx, request) => {
  const chats: Api.TypeChat[] = [];
  for (const id of request.id) {
    const chat = ctx.state.world.getChat(`-${id.toString()}`);
    if (chat === undefined || chat.type !== 'group') throw badRequest('CHAT_ID_INVALID');
    chats.push(apiChat(chat, ctx.user.id));
  }
  return new Api.messages.Chats({ chats });
});

const getChannels = method(Api.channels.GetChannels, (ctx, request) => {
  const chats = request.id.map((input) => apiChat(channelFor(ctx.state.world, input), ctx.user.id));
  return new Api.messages.Chats({ chats });
});

const getParticipant = method(Api.channels.GetParticipant, (ctx, request) => {
  const { world } = ctx.state;
  const chat = channelFor(world, request.channel);
  const who = request.participant;
  const userId =
    who instanceof Api.InputPeerSelf
      ? ctx.user.id
      : who instanceof Api.InputPeerUser
        ? Number(who.userId)
        : NaN;
  if (!Number.isFinite(userId)) throw badRequest('PARTICIPANT_ID_INVALID');
  const member = memberOf(chat, userId);
  if (!isActive(member)) throw badRequest('USER_NOT_PARTICIPANT');
  const id = longOf(userId);
  const date = Math.floor(member.joinedAt / 1000);
  const adminRightsOf = (apiChat(chat, userId) as Api.Channel).adminRights ?? new Api.ChatAdminRights({});
  const participant =
    member.role === 'creator'
      ? new Api.ChannelParticipantCreator({ userId: id, adminRights: adminRightsOf })
      : member.role === 'administrator'
        ? new Api.ChannelParticipantAdmin({
            userId: id,
            promotedBy: id,
            date,
            adminRights: adminRightsOf,
            // `self` and `inviter_id` share a flag bit in the schema: one needs the other.
            self: userId === ctx.user.id,
            inviterId: userId === ctx.user.id ? id : undefined,
          })
        : userId === ctx.user.id
          ? new Api.ChannelParticipantSelf({ userId: id, inviterId: id, date })
          : new Api.ChannelParticipant({ userId: id, date });
  return new Api.channels.ChannelParticipant({
    participant,
    chats: [apiChat(chat, ctx.user.id)],
    users: usersOf(world, [{ type: 'user', id: userId }], ctx.user.id),
  });
});

export const messageMethods = [sendMessage, getChats, getChannels, getParticipant] as MethodSpec<never>[];

/**
 * A message stored in the world reaches every other signed-in member as Telegram's updates:
 * `updateShortMessage` in a private chat, `updateShortChatMessage` in a group, `updateNewChannelMessage` in a
 * supergroup or channel.
 */
export function pushMessage(state: ServerState, chat: Chat, message: Message): void {
  const { world, keys } = state;
  for (const member of chat.members.values()) {
    if (member.ref.type !== 'user' || !isActive(member)) continue;
    const viewerId = member.ref.id;
    if (message.from.type === 'user' && message.from.id === viewerId) continue;
    const connections = [...keys.connectionsOf(viewerId)];
    if (connections.length === 0) continue;
    const pts = state.pts.next(ptsKey(chat, viewerId));
    const update = inboundUpdate(world, chat, message, viewerId, pts);
    for (const connection of connections) connection.push(update);
  }
}

function inboundUpdate(
  world: World,
  chat: Chat,
  message: Message,
  viewerId: number,
  pts: number,
): Api.TypeUpdates {
  const fromId = longOf(message.from.id);
  if (chat.type === 'private') {
    return new Api.UpdateShortMessage({
      id: message.messageId,
      userId: fromId,
      message: message.text,
      pts,
      ptsCount: 1,
      date: message.date,
    });
  }
  if (chat.type === 'group') {
    return new Api.UpdateShortChatMessage({
      id: message.messageId,
      fromId,
      chatId: longOf(chatPeer(chat).id),
      message: message.text,
      pts,
      ptsCount: 1,
      date: message.date,
    });
  }
  return new Api.Updates({
    updates: [
      new Api.UpdateNewChannelMessage({ message: apiMessage(chat, message, viewerId), pts, ptsCount: 1 }),
    ],
    users: usersOf(world, [message.from, { type: 'user', id: viewerId }], viewerId),
    chats: [apiChat(chat, viewerId)],
    date: message.date,
    seq: 0,
  });
}
