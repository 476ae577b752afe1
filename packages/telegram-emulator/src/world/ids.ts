import { randomBytes } from 'node:crypto';
import type { Chat, ChatType, ParticipantRef } from './types';

/**
 * Id ranges are disjoint so a bare positive id tells a user from a bot, as the control API needs for
 * `POST /chats/{botId}/messages`. Telegram's own ids are in the same magnitudes.
 */
export const ID_BASE = {
  user: 5_000_000_000,
  bot: 7_000_000_000,
  /** Basic groups: Bot API id `-<n>`, MTProto `chat_id = n`. */
  group: 4_000_000_000,
  /** Supergroups and channels: Bot API id `-100<n>`, MTProto `channel_id = n`. */
  channel: 2_000_000_000,
} as const;

export const participantKey = (ref: ParticipantRef): string => `${ref.type}:${ref.id}`;

export function privateChatKey(a: ParticipantRef, b: ParticipantRef): string {
  const [x, y] = [participantKey(a), participantKey(b)].sort();
  return `private:${x}:${y}`;
}

/** The Bot API chat id of a new group/channel with sequence number `n` (1-based within its kind). */
export function groupChatId(type: Exclude<ChatType, 'private'>, n: number): string {
  return type === 'group' ? `-${ID_BASE.group + n}` : `-100${ID_BASE.channel + n}`;
}

/** How MTProto names a chat: `peerUser`, `peerChat` or `peerChannel` with its bare id. */
export function chatPeer(chat: Chat): { kind: 'user' | 'chat' | 'channel'; id: number } {
  if (chat.type === 'private') return { kind: 'user', id: Number(chat.id) };
  if (chat.type === 'group') return { kind: 'chat', id: -Number(chat.id) };
  return { kind: 'channel', id: Number(chat.id.slice('-100'.length)) };
}

/** The Bot API id of the chat MTProto calls `peerChat(id)` / `peerChannel(id)`. */
export function chatIdFromPeer(kind: 'chat' | 'channel', id: number): string {
  return kind === 'chat' ? `-${id}` : `-100${id}`;
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** The secret half of a bot token: 35 characters like Telegram's (`AA...`). */
export function tokenSecret(): string {
  const bytes = randomBytes(33);
  let out = 'AA';
  for (const byte of bytes) out += TOKEN_ALPHABET[byte & 63];
  return out;
}

export function randomId(): string {
  return randomBytes(8).toString('hex');
}

/** `+` and digits only; undefined when it cannot be a phone number. */
export function normalisePhone(phone: string): string | undefined {
  const digits = phone.replace(/[\s\-().]/g, '').replace(/^\+/, '');
  return /^\d{5,15}$/.test(digits) ? `+${digits}` : undefined;
}

/** Telegram usernames: 5..32 of letters, digits and `_`, starting with a letter. */
export function isValidUsername(username: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]{4,31}$/.test(username);
}

export const stripAt = (name: string): string => (name.startsWith('@') ? name.slice(1) : name);
