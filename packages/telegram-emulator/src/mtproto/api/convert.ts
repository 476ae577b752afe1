import { createHash } from 'node:crypto';
import {
  chatPeer,
  ID_BASE,
  participantKey,
  type Bot,
  type Chat,
  type ChatMember,
  type Message,
  type ParticipantRef,
  type User,
  type World,
} from '../../world';
import { Api, longOf, type BigInteger } from '../tl';

/**
 * World → TL: how the emulator's users, bots, chats and messages look to an MTProto client signed in as
 * `viewer`. Access hashes are derived from the id (stable, never checked): the emulator has no secrets to
 * guard between its own test users.
 */
export function accessHash(kind: 'user' | 'channel', id: number): BigInteger {
  return longOf(createHash('sha256').update(`${kind}:${id}`).digest().readBigInt64LE(0));
}

export const isBotId = (id: number): boolean => id >= ID_BASE.bot;

export function apiUser(user: User, viewerId?: number): Api.User {
  return new Api.User({
    id: longOf(user.id),
    accessHash: accessHash('user', user.id),
    self: user.id === viewerId,
    contact: user.id !== viewerId,
    firstName: user.firstName,
    lastName: user.lastName,
    username: user.username,
    phone: user.phone.slice(1),
    deleted: user.deactivated,
    status: new Api.UserStatusRecently({}),
  });
}

export function apiBot(bot: Bot): Api.User {
  return new Api.User({
    id: longOf(bot.id),
    accessHash: accessHash('user', bot.id),
    bot: true,
    firstName: bot.firstName,
    username: bot.username,
    botInfoVersion: 1,
  });
}

/** A participant (user or bot) as a TL user, or undefined when the world no longer has it. */
export function apiParticipant(world: World, ref: ParticipantRef, viewerId?: number): Api.User | undefined {
  if (ref.type === 'bot') {
    const bot = world.getBot(ref.id);
    return bot === undefined ? undefined : apiBot(bot);
  }
  const user = world.getUser(ref.id);
  return user === undefined ? undefined : apiUser(user, viewerId);
}

const activeRoles = new Set(['creator', 'administrator', 'member']);
export const isActive = (member: ChatMember | undefined): member is ChatMember =>
  member !== undefined && activeRoles.has(member.role);

export function memberOf(chat: Chat, userId: number): ChatMember | undefined {
  return chat.members.get(participantKey({ type: 'user', id: userId }));
}

export function adminRights(member: ChatMember, broadcast: boolean): Api.ChatAdminRights {
  const creator = member.role === 'creator';
  return new Api.ChatAdminRights({
    changeInfo: creator,
    postMessages: broadcast ? member.canPost : undefined,
    editMessages: broadcast ? member.canPost : undefined,
    deleteMessages: true,
    banUsers: !broadcast,
    inviteUsers: true,
    pinMessages: !broadcast,
    addAdmins: creator,
  });
}

/** A group, supergroup or channel as its viewer sees it: their role, admin rights and whether they may write. */
export function apiChat(chat: Chat, viewerId: number): Api.Chat | Api.Channel {
  const member = memberOf(chat, viewerId);
  const active = isActive(member);
  const peer = chatPeer(chat);
  const date = Math.floor(chat.createdAt / 1000);
  const title = chat.title ?? '';
  const admin = active && (member.role === 'creator' || member.role === 'administrator');
  const noWrite = new Api.ChatBannedRights({ untilDate: 0, sendMessages: true, sendPlain: true });
  if (chat.type === 'group') {
    return new Api.Chat({
      id: longOf(peer.id),
      title,
      photo: new Api.ChatPhotoEmpty(),
      participantsCount: chat.members.size,
      date,
      version: 1,
      creator: member?.role === 'creator',
      left: !active,
      adminRights: admin ? adminRights(member, false) : undefined,
      defaultBannedRights: active && !member.canPost ? noWrite : undefined,
    });
  }
  const broadcast = chat.type === 'channel';
  return new Api.Channel({
    id: longOf(peer.id),
    accessHash: accessHash('channel', peer.id),
    title,
    username: chat.username,
    photo: new Api.ChatPhotoEmpty(),
    date,
    broadcast,
    megagroup: !broadcast,
    creator: member?.role === 'creator',
    left: !active,
    adminRights: admin ? adminRights(member, broadcast) : undefined,
    bannedRights: !broadcast && active && !admin && !member.canPost ? noWrite : undefined,
    participantsCount: chat.members.size,
  });
}

/** Where a message is, seen by `viewerId`: a private chat is named after the other side. */
export function apiPeer(chat: Chat, viewerId: number): Api.TypePeer {
  if (chat.type === 'private') {
    const other = [...chat.members.values()].find((m) => !(m.ref.type === 'user' && m.ref.id === viewerId));
    return new Api.PeerUser({ userId: longOf(other?.ref.id ?? viewerId) });
  }
  const peer = chatPeer(chat);
  return peer.kind === 'chat'
    ? new Api.PeerChat({ chatId: longOf(peer.id) })
    : new Api.PeerChannel({ channelId: longOf(peer.id) });
}

export function apiMessage(chat: Chat, message: Message, viewerId: number): Api.Message {
  const own = message.from.type === 'user' && message.from.id === viewerId;
  const broadcast = chat.type === 'channel';
  return new Api.Message({
    id: message.messageId,
    peerId: apiPeer(chat, viewerId),
    fromId: broadcast ? undefined : new Api.PeerUser({ userId: longOf(message.from.id) }),
    out: own,
    post: broadcast,
    date: message.date,
    message: message.text,
    replyTo:
      message.replyToMessageId === undefined
        ? undefined
        : new Api.MessageReplyHeader({ replyToMsgId: message.replyToMessageId }),
  });
}

/** The users a message or chat answer should carry so GramJS can cache the entities it names. */
export function usersOf(world: World, refs: Iterable<ParticipantRef>, viewerId: number): Api.User[] {
  const seen = new Set<string>();
  const out: Api.User[] = [];
  for (const ref of refs) {
    const key = participantKey(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    const user = apiParticipant(world, ref, viewerId);
    if (user !== undefined) out.push(user);
  }
  return out;
}
