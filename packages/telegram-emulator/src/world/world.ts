import { EventEmitter } from 'node:events';
import { randomInt } from 'node:crypto';
import { conflict, invalid, notFound } from './errors';
import { FaultRegistry } from './faults';
import { FloodCounter } from './flood';
import {
  ID_BASE,
  groupChatId,
  isValidUsername,
  normalisePhone,
  participantKey,
  privateChatKey,
  stripAt,
  tokenSecret,
} from './ids';
import {
  MEMBER_ROLES,
  type Bot,
  type Chat,
  type ChatMember,
  type ChatType,
  type Limits,
  type MemberRole,
  type Message,
  type MessageEntity,
  type ParticipantRef,
  type QrToken,
  type User,
  type WorldEvents,
  type WorldSnapshot,
} from './types';

export interface CreateUserInput {
  phone: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  password?: string;
  passwordHint?: string;
}

export interface CreateBotInput {
  username?: string;
  firstName?: string;
}

export interface MemberInput {
  ref: ParticipantRef;
  role: MemberRole;
  canPost?: boolean;
}

export interface CreateChatInput {
  type: ChatType;
  title?: string;
  username?: string;
  members: MemberInput[];
}

export interface PostMessageInput {
  text: string;
  parseMode?: string;
  entities?: MessageEntity[];
  replyToMessageId?: number;
  disableNotification?: boolean;
}

/** A username resolves to one of these (usernames are unique across users, bots and public chats). */
export type UsernameOwner =
  { kind: 'user'; user: User } | { kind: 'bot'; bot: Bot } | { kind: 'chat'; chat: Chat };

export const DEFAULT_LIMITS: Limits = {
  enabled: true,
  perBot: { count: 30, windowMs: 1000 },
  perPrivateChat: { count: 1, windowMs: 1000 },
  perGroup: { count: 20, windowMs: 60_000 },
};

export interface WorldOptions {
  limits?: Partial<Limits>;
  /** Oldest messages of a chat are forgotten past this many (keeps long benchmarks bounded). */
  maxMessagesPerChat?: number;
  /** How long a login code is valid. */
  loginCodeTtlMs?: number;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * The fake Telegram's whole state: users, bots, chats with members and messages, login codes, QR tokens,
 * faults and flood limits. Both fronts share one instance; they learn about changes through its events
 * (`message`, `qrApproved`, `loginCode`, `memberChanged`, `botRevoked`, `reset`).
 *
 * Methods that take input from outside validate it and throw `WorldError` without changing anything.
 */
export class World extends EventEmitter<WorldEvents> {
  readonly faults = new FaultRegistry();
  readonly flood = new FloodCounter();
  limits: Limits;

  private readonly users = new Map<number, User>();
  private readonly usersByPhone = new Map<string, User>();
  private readonly bots = new Map<number, Bot>();
  private readonly botsByToken = new Map<string, Bot>();
  private readonly chats = new Map<string, Chat>();
  private readonly usernames = new Map<string, UsernameOwner>();
  private readonly loginCodes = new Map<string, { code: string; issuedAt: number }>();
  private readonly qrTokens = new Map<string, QrToken>();
  private readonly maxMessagesPerChat: number;
  readonly loginCodeTtlMs: number;
  private seq = { user: 0, bot: 0, group: 0, channel: 0 };
  private readonly initialLimits: Limits;

  constructor(options: WorldOptions = {}) {
    super();
    this.setMaxListeners(0);
    checkLimitsPatch(options.limits ?? {});
    this.initialLimits = mergeLimits(DEFAULT_LIMITS, options.limits ?? {});
    this.limits = cloneLimits(this.initialLimits);
    this.maxMessagesPerChat = options.maxMessagesPerChat ?? 10_000;
    this.loginCodeTtlMs = options.loginCodeTtlMs ?? 5 * 60_000;
  }

  // ---- users ----

  createUser(input: CreateUserInput): User {
    const phone = typeof input.phone === 'string' ? normalisePhone(input.phone) : undefined;
    if (phone === undefined) throw invalid('phone must be an international phone number like +79991234567');
    if (this.usersByPhone.has(phone)) throw conflict('a user with this phone exists');
    const username = this.checkNewUsername(input.username);
    for (const field of ['firstName', 'lastName', 'password', 'passwordHint'] as const) {
      if (input[field] !== undefined && typeof input[field] !== 'string')
        throw invalid(`${field} must be a string`);
    }
    this.seq.user += 1;
    const user: User = {
      id: ID_BASE.user + this.seq.user,
      phone,
      firstName: input.firstName ?? `User ${this.seq.user}`,
      lastName: input.lastName,
      username,
      password: input.password === '' ? undefined : input.password,
      passwordHint: input.passwordHint,
      deactivated: false,
      createdAt: Date.now(),
    };
    this.users.set(user.id, user);
    this.usersByPhone.set(phone, user);
    if (username !== undefined) this.usernames.set(username.toLowerCase(), { kind: 'user', user });
    this.emit('changed');
    return user;
  }

  getUser(id: number): User | undefined {
    return this.users.get(id);
  }

  findUserByPhone(phone: string): User | undefined {
    const normal = normalisePhone(phone);
    return normal === undefined ? undefined : this.usersByPhone.get(normal);
  }

  listUsers(): User[] {
    return [...this.users.values()];
  }

  /** Sets or clears (undefined / '') the 2FA password of a user. */
  setPassword(userId: number, password: string | undefined, hint?: string): void {
    const user = this.users.get(userId);
    if (user === undefined) throw notFound('user');
    user.password = password === '' ? undefined : password;
    user.passwordHint = hint;
    this.emit('changed');
  }

  setDeactivated(userId: number, deactivated: boolean): void {
    const user = this.users.get(userId);
    if (user === undefined) throw notFound('user');
    user.deactivated = deactivated;
    this.emit('changed');
  }

  setRestrictsMessages(userId: number, restricts: boolean): void {
    const user = this.users.get(userId);
    if (user === undefined) throw notFound('user');
    user.restrictsMessages = restricts;
  }

  // ---- bots ----

  createBot(input: CreateBotInput = {}): Bot {
    if (input.firstName !== undefined && typeof input.firstName !== 'string')
      throw invalid('firstName must be a string');
    const next = this.seq.bot + 1;
    let username = input.username === undefined ? undefined : this.checkNewUsername(input.username);
    if (username !== undefined && !/bot$/i.test(username)) throw invalid('a bot username must end in "bot"');
    if (username === undefined) {
      username = `emu${next}_bot`;
      while (this.usernames.has(username.toLowerCase()))
        username = `emu${next}_${tokenSecret().slice(2, 6)}_bot`;
    }
    this.seq.bot = next;
    const id = ID_BASE.bot + next;
    const bot: Bot = {
      id,
      token: `${id}:${tokenSecret()}`,
      username,
      firstName: input.firstName ?? `Emulator Bot ${next}`,
      revoked: false,
      createdAt: Date.now(),
    };
    this.bots.set(id, bot);
    this.botsByToken.set(bot.token, bot);
    this.usernames.set(username.toLowerCase(), { kind: 'bot', bot });
    this.emit('changed');
    return bot;
  }

  getBot(id: number): Bot | undefined {
    return this.bots.get(id);
  }

  /** The bot a token belongs to, revoked or not (callers check `revoked`). */
  findBotByToken(token: string): Bot | undefined {
    return this.botsByToken.get(token);
  }

  listBots(): Bot[] {
    return [...this.bots.values()];
  }

  /** The token stops working (Telegram: the owner revoked it in BotFather, or `logOut`). */
  revokeBot(id: number): void {
    const bot = this.bots.get(id);
    if (bot === undefined) throw notFound('bot');
    if (bot.revoked) return;
    bot.revoked = true;
    this.emit('botRevoked', { bot });
    this.emit('changed');
  }

  // ---- usernames ----

  /** Resolves `@name` / `name` to a user, bot or public chat (case-insensitive). */
  resolveUsername(name: string): UsernameOwner | undefined {
    return this.usernames.get(stripAt(name).toLowerCase());
  }

  private checkNewUsername(raw: unknown): string | undefined {
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw !== 'string') throw invalid('username must be a string');
    const username = stripAt(raw);
    if (!isValidUsername(username)) {
      throw invalid('username must be 5..32 letters, digits or "_", starting with a letter');
    }
    if (this.usernames.has(username.toLowerCase())) throw conflict(`username @${username} is taken`);
    return username;
  }

  // ---- chats ----

  /**
   * Creates a chat with its members. A private chat has exactly two members, at least one a user; between a
   * user and a bot it gets the user's id (that is what the bot sees), and it may be created only once.
   */
  createChat(input: CreateChatInput): Chat {
    const types: ChatType[] = ['private', 'group', 'supergroup', 'channel'];
    if (!types.includes(input.type)) throw invalid(`type must be one of ${types.join(', ')}`);
    if (!Array.isArray(input.members)) throw invalid('members must be an array');
    if (input.title !== undefined && typeof input.title !== 'string') throw invalid('title must be a string');
    const seen = new Set<string>();
    for (const member of input.members) {
      this.checkMember(member);
      const key = participantKey(member.ref);
      if (seen.has(key)) throw invalid(`${key} is listed twice`);
      seen.add(key);
    }
    if (input.type === 'private') return this.createPrivateChat(input);

    const username = this.checkNewUsername(input.username);
    const creators = input.members.filter((m) => m.role === 'creator').length;
    if (creators > 1) throw invalid('a chat has at most one creator');
    const kind = input.type === 'group' ? 'group' : 'channel';
    const n = this.seq[kind] + 1;
    const id = groupChatId(input.type, n);
    this.seq[kind] = n;
    const chat: Chat = {
      id,
      key: id,
      type: input.type,
      title: input.title ?? `${input.type[0]!.toUpperCase()}${input.type.slice(1)} ${n}`,
      username,
      members: new Map(),
      messages: [],
      nextMessageId: 1,
      createdAt: Date.now(),
    };
    for (const member of input.members)
      chat.members.set(participantKey(member.ref), this.toMember(chat, member));
    this.chats.set(chat.key, chat);
    if (username !== undefined) this.usernames.set(username.toLowerCase(), { kind: 'chat', chat });
    this.emit('changed');
    return chat;
  }

  private createPrivateChat(input: CreateChatInput): Chat {
    if (input.members.length !== 2) throw invalid('a private chat has exactly two members');
    if (input.username !== undefined) throw invalid('a private chat has no username');
    const [a, b] = input.members as [MemberInput, MemberInput];
    if (a.ref.type === 'bot' && b.ref.type === 'bot') throw invalid('two bots cannot have a private chat');
    const key = privateChatKey(a.ref, b.ref);
    if (this.chats.has(key)) throw conflict('this private chat exists');
    const user = a.ref.type === 'user' ? a.ref : b.ref;
    const chat: Chat = {
      id: String(user.id),
      key,
      type: 'private',
      members: new Map(),
      messages: [],
      nextMessageId: 1,
      createdAt: Date.now(),
    };
    for (const member of [a, b]) {
      // Both sides of a private chat may write; `kicked` on a bot's side means the user blocked it.
      chat.members.set(
        participantKey(member.ref),
        this.toMember(chat, { ...member, canPost: member.canPost ?? true }),
      );
    }
    this.chats.set(key, chat);
    this.emit('changed');
    return chat;
  }

  /** The private chat of two participants, created on first use when `create` is set. */
  privateChat(a: ParticipantRef, b: ParticipantRef, create = false): Chat | undefined {
    const existing = this.chats.get(privateChatKey(a, b));
    if (existing !== undefined || !create) return existing;
    return this.createChat({
      type: 'private',
      members: [
        { ref: a, role: 'member' },
        { ref: b, role: 'member' },
      ],
    });
  }

  /**
   * A chat by its key, its id, or `@username`. A bare positive id names a private chat only when exactly one
   * private chat has it; otherwise use `privateChat`.
   */
  getChat(idOrKey: string): Chat | undefined {
    const direct = this.chats.get(idOrKey);
    if (direct !== undefined) return direct;
    if (idOrKey.startsWith('@')) {
      const owner = this.resolveUsername(idOrKey);
      return owner?.kind === 'chat' ? owner.chat : undefined;
    }
    if (/^\d+$/.test(idOrKey)) {
      const found = this.privateChatsOf(Number(idOrKey));
      return found.length === 1 ? found[0] : undefined;
    }
    return undefined;
  }

  /** The private chats whose id (as the bot sees it) is this user's id. */
  privateChatsOf(userId: number): Chat[] {
    const out: Chat[] = [];
    for (const chat of this.chats.values())
      if (chat.type === 'private' && chat.id === String(userId)) out.push(chat);
    return out;
  }

  listChats(): Chat[] {
    return [...this.chats.values()];
  }

  getMember(chat: Chat, ref: ParticipantRef): ChatMember | undefined {
    return chat.members.get(participantKey(ref));
  }

  /** Adds a member or changes their role / post right. */
  setMember(chat: Chat, input: MemberInput): ChatMember {
    this.checkMember(input);
    if (chat.type === 'private' && !chat.members.has(participantKey(input.ref))) {
      throw invalid('a private chat cannot get another member');
    }
    if (input.role === 'creator') {
      for (const m of chat.members.values()) {
        if (m.role === 'creator' && participantKey(m.ref) !== participantKey(input.ref)) {
          throw invalid('the chat has a creator already');
        }
      }
    }
    const member = this.toMember(chat, input);
    const previous = chat.members.get(participantKey(input.ref));
    if (previous !== undefined) member.joinedAt = previous.joinedAt;
    chat.members.set(participantKey(input.ref), member);
    this.emit('memberChanged', { chat, member });
    this.emit('changed');
    return member;
  }

  /** Administrators and the creator, as `getChatAdministrators` lists them. */
  administrators(chat: Chat): ChatMember[] {
    return [...chat.members.values()].filter((m) => m.role === 'creator' || m.role === 'administrator');
  }

  private checkMember(member: MemberInput): void {
    if (member === null || typeof member !== 'object' || member.ref === undefined)
      throw invalid('bad member');
    const { ref } = member;
    if (ref.type !== 'user' && ref.type !== 'bot') throw invalid('a member is a user or a bot');
    if (!(ref.type === 'user' ? this.users.has(ref.id) : this.bots.has(ref.id))) {
      throw notFound(`${ref.type} ${ref.id}`);
    }
    if (!MEMBER_ROLES.includes(member.role)) throw invalid(`role must be one of ${MEMBER_ROLES.join(', ')}`);
    if (member.canPost !== undefined && typeof member.canPost !== 'boolean')
      throw invalid('canPost must be a boolean');
  }

  private toMember(chat: Chat, input: MemberInput): ChatMember {
    const active = input.role === 'creator' || input.role === 'administrator' || input.role === 'member';
    // Channels: only the creator and admins post (admins unless told otherwise). Groups: every member writes.
    const defaultCanPost =
      chat.type === 'channel' ? input.role === 'creator' || input.role === 'administrator' : active;
    return {
      ref: { ...input.ref },
      role: input.role,
      canPost: active && (input.role === 'creator' ? true : (input.canPost ?? defaultCanPost)),
      joinedAt: Date.now(),
    };
  }

  // ---- messages ----

  /** Stores a message in a chat and tells both fronts (`message` event). Permission checks are the caller's. */
  postMessage(chat: Chat, from: ParticipantRef, input: PostMessageInput): Message {
    const message: Message = {
      messageId: chat.nextMessageId,
      chatKey: chat.key,
      from: { type: from.type, id: from.id },
      text: input.text,
      date: nowSeconds(),
      parseMode: input.parseMode,
      entities: input.entities,
      replyToMessageId: input.replyToMessageId,
      disableNotification: input.disableNotification,
    };
    chat.nextMessageId += 1;
    chat.messages.push(message);
    // Trim in batches: one splice per many messages, not a 10,000-element shift per send.
    if (chat.messages.length > this.maxMessagesPerChat + Math.max(1, this.maxMessagesPerChat >> 3)) {
      chat.messages.splice(0, chat.messages.length - this.maxMessagesPerChat);
    }
    this.emit('message', { chat, message });
    this.emit('changed');
    return message;
  }

  findMessage(chat: Chat, messageId: number): Message | undefined {
    // Ids grow by one per message, so the position is known unless old ones were trimmed.
    const first = chat.messages[0];
    if (first === undefined) return undefined;
    const candidate = chat.messages[messageId - first.messageId];
    return candidate?.messageId === messageId ? candidate : undefined;
  }

  // ---- login codes and QR ----

  /** Remembers the code "sent" to a phone (the MTProto side calls this on `auth.sendCode`). */
  recordLoginCode(phone: string, code: string): void {
    const normal = normalisePhone(phone) ?? phone;
    this.loginCodes.set(normal, { code, issuedAt: Date.now() });
    this.emit('loginCode', { phone: normal, code });
  }

  /** Makes up a 5-digit code, records and returns it. */
  issueLoginCode(phone: string): string {
    const code = String(randomInt(10_000, 100_000));
    this.recordLoginCode(phone, code);
    return code;
  }

  /** The last code sent to a phone while it is still valid. */
  lastLoginCode(phone: string): string | undefined {
    const entry = this.loginCodes.get(normalisePhone(phone) ?? phone);
    if (entry === undefined || Date.now() - entry.issuedAt > this.loginCodeTtlMs) return undefined;
    return entry.code;
  }

  /** A QR login token the MTProto side handed out (`auth.exportLoginToken`); base64url text. */
  registerQrToken(token: string, authKeyId?: string, ttlMs = 30_000): QrToken {
    const entry: QrToken = { token, authKeyId, createdAt: Date.now(), expiresAt: Date.now() + ttlMs };
    this.qrTokens.set(token, entry);
    return entry;
  }

  getQrToken(token: string): QrToken | undefined {
    return this.qrTokens.get(token);
  }

  /** A user scanned the QR: the token is approved for that user's phone; `qrApproved` is emitted. */
  approveQr(token: string, phone: string): QrToken {
    const entry = this.qrTokens.get(token);
    if (entry === undefined) throw notFound('QR login token');
    if (entry.expiresAt < Date.now()) throw invalid('the QR login token has expired');
    const user = this.findUserByPhone(phone);
    if (user === undefined) throw notFound('user');
    entry.approvedBy = user.id;
    this.emit('qrApproved', { token, authKeyId: entry.authKeyId, user });
    return entry;
  }

  // ---- limits and reset ----

  /** Changes the flood limits (validated; nothing changes on bad input) and restarts their counters. */
  setLimits(patch: Partial<Limits>): Limits {
    checkLimitsPatch(patch);
    this.limits = mergeLimits(this.limits, patch);
    this.flood.clear();
    return this.limits;
  }

  /** Forgets everything: users, bots, chats, codes, tokens, faults; limits go back to the start options. */
  reset(): void {
    this.clearParticipants();
    this.loginCodes.clear();
    this.qrTokens.clear();
    this.faults.clear();
    this.flood.clear();
    this.limits = cloneLimits(this.initialLimits);
    // Id sequences go on: an id is never reused within a process, so a stale token or session of a previous
    // test can never reach a new user or bot.
    this.emit('reset');
    this.emit('changed');
  }

  /** Users, bots and chats, and their lookups. */
  private clearParticipants(): void {
    this.users.clear();
    this.usersByPhone.clear();
    this.bots.clear();
    this.botsByToken.clear();
    this.chats.clear();
    this.usernames.clear();
  }

  // ---- the state file ----

  /** Users, bots, chats with their members and messages, and the id sequences: what a restart must keep. */
  snapshot(): WorldSnapshot {
    return {
      seq: { ...this.seq },
      users: [...this.users.values()],
      bots: [...this.bots.values()],
      chats: [...this.chats.values()].map((chat) => ({ ...chat, members: [...chat.members.values()] })),
    };
  }

  /** Replaces the world's users, bots and chats with a snapshot's (on start, before anyone connects). */
  restore(snapshot: WorldSnapshot): void {
    this.clearParticipants();
    this.seq = { ...snapshot.seq };
    for (const user of snapshot.users) {
      this.users.set(user.id, user);
      this.usersByPhone.set(user.phone, user);
      if (user.username) this.usernames.set(user.username.toLowerCase(), { kind: 'user', user });
    }
    for (const bot of snapshot.bots) {
      this.bots.set(bot.id, bot);
      this.botsByToken.set(bot.token, bot);
      this.usernames.set(bot.username.toLowerCase(), { kind: 'bot', bot });
    }
    for (const saved of snapshot.chats) {
      const chat: Chat = {
        ...saved,
        members: new Map(saved.members.map((member) => [participantKey(member.ref), member])),
      };
      this.chats.set(chat.key, chat);
      if (chat.username) this.usernames.set(chat.username.toLowerCase(), { kind: 'chat', chat });
    }
  }
}

function checkLimitsPatch(patch: Partial<Limits>): void {
  if (patch === null || typeof patch !== 'object') throw invalid('limits must be an object');
  const known = ['enabled', 'perBot', 'perPrivateChat', 'perGroup', 'retryAfterSeconds'];
  for (const key of Object.keys(patch)) if (!known.includes(key)) throw invalid(`unknown limit "${key}"`);
  if (patch.enabled !== undefined && typeof patch.enabled !== 'boolean')
    throw invalid('enabled must be a boolean');
  for (const name of ['perBot', 'perPrivateChat', 'perGroup'] as const) {
    const rule: unknown = patch[name];
    if (rule === undefined) continue;
    if (rule === null || typeof rule !== 'object') throw invalid(`${name} must be {count, windowMs}`);
    for (const [field, value] of Object.entries(rule)) {
      if (field !== 'count' && field !== 'windowMs') throw invalid(`${name}.${field} is unknown`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw invalid(`${name}.${field} must be a non-negative number`);
      }
    }
  }
  const retry = patch.retryAfterSeconds;
  if (
    retry !== undefined &&
    retry !== null &&
    (typeof retry !== 'number' || !Number.isFinite(retry) || retry < 0)
  ) {
    throw invalid('retryAfterSeconds must be a non-negative number or null');
  }
}

function cloneLimits(limits: Limits): Limits {
  return {
    enabled: limits.enabled,
    perBot: { ...limits.perBot },
    perPrivateChat: { ...limits.perPrivateChat },
    perGroup: { ...limits.perGroup },
    retryAfterSeconds: limits.retryAfterSeconds,
  };
}

function mergeLimits(base: Limits, patch: Partial<Limits>): Limits {
  const out = cloneLimits(base);
  if (patch.enabled !== undefined) out.enabled = patch.enabled;
  if (patch.perBot !== undefined) out.perBot = { ...out.perBot, ...patch.perBot };
  if (patch.perPrivateChat !== undefined)
    out.perPrivateChat = { ...out.perPrivateChat, ...patch.perPrivateChat };
  if (patch.perGroup !== undefined) out.perGroup = { ...out.perGroup, ...patch.perGroup };
  if ('retryAfterSeconds' in patch) out.retryAfterSeconds = patch.retryAfterSeconds ?? undefined;
  return out;
}
