import { chatIdFromPeer, type Chat, type ParticipantRef, type World } from '../../world';
import { badRequest } from '../rpc-error';
import { Api, type BigInteger } from '../tl';
import { isBotId } from './convert';

/**
 * TL input → world: which chat or participant a request names, for the signed-in user `me`. Access hashes are
 * not checked (see `convert.ts`).
 */
const num = (value: BigInteger): number => Number(value.toString());

export function participantById(world: World, id: number): ParticipantRef | undefined {
  if (isBotId(id)) return world.getBot(id) === undefined ? undefined : { type: 'bot', id };
  return world.getUser(id) === undefined ? undefined : { type: 'user', id };
}

/** The chat a message goes to: a private chat (made on first use), a group or a channel. */
/** Request fields arrive as parsed TL objects (GramJS types them as its client-side `EntityLike`). */
export function chatForPeer(world: World, me: number, peer: unknown): Chat {
  if (peer instanceof Api.InputPeerUser || peer instanceof Api.InputPeerUserFromMessage) {
    const other = participantById(world, num(peer.userId));
    if (other === undefined || (other.type === 'user' && other.id === me))
      throw badRequest('PEER_ID_INVALID');
    const user = other.type === 'user' ? world.getUser(other.id) : undefined;
    if (user?.deactivated === true) throw badRequest('INPUT_USER_DEACTIVATED');
    return world.privateChat({ type: 'user', id: me }, other, true)!;
  }
  if (peer instanceof Api.InputPeerChat) return groupChat(world, 'chat', num(peer.chatId));
  if (peer instanceof Api.InputPeerChannel || peer instanceof Api.InputPeerChannelFromMessage) {
    return groupChat(world, 'channel', num(peer.channelId));
  }
  throw badRequest('PEER_ID_INVALID');
}

export function channelFor(world: World, input: unknown): Chat {
  if (!(input instanceof Api.InputChannel || input instanceof Api.InputChannelFromMessage)) {
    throw badRequest('CHANNEL_INVALID');
  }
  const chat = world.getChat(chatIdFromPeer('channel', num(input.channelId)));
  if (chat === undefined || chat.type === 'private' || chat.type === 'group')
    throw badRequest('CHANNEL_INVALID');
  return chat;
}

function groupChat(world: World, kind: 'chat' | 'channel', id: number): Chat {
  const chat = world.getChat(chatIdFromPeer(kind, id));
  if (chat === undefined) throw badRequest(kind === 'chat' ? 'CHAT_ID_INVALID' : 'CHANNEL_INVALID');
  return chat;
}

/** `InputUser` → participant; `inputUserSelf` is the caller. Undefined when unknown. */
export function participantForInputUser(
  world: World,
  me: number,
  input: unknown,
): ParticipantRef | undefined {
  if (input instanceof Api.InputUserSelf || input instanceof Api.InputPeerSelf)
    return { type: 'user', id: me };
  if (input instanceof Api.InputUser || input instanceof Api.InputPeerUser) {
    return participantById(world, num(input.userId));
  }
  return undefined;
}
