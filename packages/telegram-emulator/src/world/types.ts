/**
 * The emulator's in-memory world: what both protocol fronts (the Bot API over HTTP and MTProto over TCP) read
 * and change. Plain data; the rules live in `World`.
 */

/** Who did something: a user account or a bot. Ids are Telegram-style positive integers. */
export interface ParticipantRef {
  type: 'user' | 'bot';
  id: number;
}

export interface User {
  id: number;
  /** Normalised international form, `+` and digits only. */
  phone: string;
  firstName: string;
  lastName?: string;
  username?: string;
  /** The 2FA password in the clear: this is a fake, and the MTProto side derives SRP values from it. */
  password?: string;
  passwordHint?: string;
  deactivated: boolean;
  /** Privacy "who can message me": only contacts and Premium users (others get PRIVACY_PREMIUM_REQUIRED). */
  restrictsMessages?: boolean;
  createdAt: number;
}

export interface Bot {
  id: number;
  /** `<id>:<secret>` like Telegram's. */
  token: string;
  username: string;
  firstName: string;
  /** Set by `logOut` / a revoke fault: every later call answers 401. */
  revoked: boolean;
  createdAt: number;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

/**
 * `creator`, `administrator`, `member` are the roles the control API takes; `left` and `kicked` keep a former
 * member known, so the Bot API can answer "bot was kicked" like Telegram does.
 */
export type MemberRole = 'creator' | 'administrator' | 'member' | 'left' | 'kicked';
export const MEMBER_ROLES: readonly MemberRole[] = ['creator', 'administrator', 'member', 'left', 'kicked'];

export interface ChatMember {
  ref: ParticipantRef;
  role: MemberRole;
  /** Channels: may post (admins with post rights). Groups: may write (members default to true). */
  canPost: boolean;
  joinedAt: number;
}

export interface Chat {
  /**
   * Telegram's chat id as a string: groups `-<n>`, supergroups and channels `-100<n>`; a private chat has the
   * id of its user (as the bot sees it; a chat between two users has the id of the first one).
   */
  id: string;
  /** Unique key in the world: the id for groups/channels, `private:<ref>:<ref>` for private chats. */
  key: string;
  type: ChatType;
  title?: string;
  username?: string;
  /** Members keyed by `participantKey(ref)`. */
  members: Map<string, ChatMember>;
  messages: Message[];
  nextMessageId: number;
  createdAt: number;
}

export interface Message {
  messageId: number;
  chatKey: string;
  from: ParticipantRef;
  text: string;
  /** Unix seconds, like Telegram. */
  date: number;
  parseMode?: string;
  /** Entities computed from parse_mode (Bot API shape, UTF-16 offsets). */
  entities?: MessageEntity[];
  replyToMessageId?: number;
  disableNotification?: boolean;
}

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export type FaultKind = 'latency' | 'rate_limit' | 'drop' | 'revoke' | 'error';
export const FAULT_KINDS: readonly FaultKind[] = ['latency', 'rate_limit', 'drop', 'revoke', 'error'];

/** `bot:<id>`, `user:<phone>` or `*`. */
export type FaultTarget = string;

export interface Fault {
  id: string;
  target: FaultTarget;
  kind: FaultKind;
  /** latency: added delay in milliseconds. */
  ms?: number;
  /** rate_limit: seconds to wait (may be fractional for fast tests). */
  retryAfter?: number;
  /** error: the HTTP status / MTProto error code to answer (default 500). */
  status?: number;
  /** error: the description (Bot API) or error message (MTProto, e.g. `INTERNAL`). */
  message?: string;
  /** How many requests it applies to; undefined = until `DELETE /faults`. */
  remaining?: number;
  createdAt: number;
}

export interface LimitRule {
  /** How many sends are allowed within the window; 0 or less disables this rule. */
  count: number;
  windowMs: number;
}

/** Telegram's flood limits as the emulator applies them (configurable, tests tighten or disable them). */
export interface Limits {
  enabled: boolean;
  /** ~30 messages per second per bot, across all chats. */
  perBot: LimitRule;
  /** ~1 message per second in one private chat. */
  perPrivateChat: LimitRule;
  /** ~20 messages per minute in one group, supergroup or channel. */
  perGroup: LimitRule;
  /** When set, answers this retry_after (seconds, fractional allowed) instead of the computed one. */
  retryAfterSeconds?: number;
}

export interface QrToken {
  token: string;
  authKeyId?: string;
  createdAt: number;
  expiresAt: number;
  /** Set when a user scanned and approved it. */
  approvedBy?: number;
}

/** What `World` emits; both fronts subscribe. */
export interface WorldEvents {
  /** A message was stored in a chat (sent by a bot, an account, or posted through the control API). */
  message: [event: { chat: Chat; message: Message }];
  /** A user approved a QR login token (the MTProto side answers the waiting client). */
  qrApproved: [event: { token: string; authKeyId?: string; user: User }];
  /** A login code was issued for a phone. */
  loginCode: [event: { phone: string; code: string }];
  /** Chat membership changed (added, role changed, removed). */
  memberChanged: [event: { chat: Chat; member: ChatMember }];
  /** A bot was revoked (logOut, revoke fault, reset). */
  botRevoked: [event: { bot: Bot }];
  /** Everything was cleared. */
  reset: [];
  /** Something that outlives a restart changed (users, bots, chats, members, messages): the state file saves. */
  changed: [];
}

/** What the state file keeps of the world (`EMULATOR_STATE_FILE`): plain JSON, members and messages as arrays. */
export interface WorldSnapshot {
  seq: { user: number; bot: number; group: number; channel: number };
  users: User[];
  bots: Bot[];
  chats: (Omit<Chat, 'members'> & { members: ChatMember[] })[];
}
