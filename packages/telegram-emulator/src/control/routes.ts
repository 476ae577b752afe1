import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, parseQuery, readJson } from '../http/body';
import { sendEmpty, sendJson } from '../http/respond';
import {
  FAULT_KINDS,
  WorldError,
  invalid,
  notFound,
  type Chat,
  type FaultKind,
  type Limits,
  type Message,
  type World,
} from '../world';
import {
  asBody,
  idValue,
  memberSpec,
  onlyFields,
  optionalNumber,
  optionalString,
  requiredString,
  type Body,
} from './validate';

/** What `GET /_emulator/mtproto` reports once the MTProto server runs. */
export interface MtprotoInfo {
  host: string;
  port: number;
  dcId: number;
  rsaPublicKeyPem: string;
  fingerprint: string;
  /** Live counts (auth keys, signed-in keys, connections, AUTH_KEY_DUPLICATED answered) when the server has them. */
  authKeys?: number;
  authorized?: number;
  connections?: number;
  duplicates?: number;
  /** API calls answered since the server started, by method (`messages.SendMessage`). */
  calls?: Record<string, number>;
  /** True during an outage (`POST /_emulator/mtproto/outage`). */
  down?: boolean;
}

export interface ControlContext {
  world: World;
  /** Set by the MTProto server when it runs. */
  mtproto?: () => MtprotoInfo | undefined;
  /** The MTProto server's outage switch, when it has one. */
  mtprotoOutage?: () => { start(): Promise<void>; end(): Promise<void> } | undefined;
}

interface Request {
  method: string;
  parts: string[];
  query: Record<string, string>;
  body: () => Promise<Body>;
}

type Answer = { status: number; body?: unknown };

const created = (body: unknown): Answer => ({ status: 201, body });
const ok = (body: unknown): Answer => ({ status: 200, body });
const noContent: Answer = { status: 204 };

function userView(user: {
  id: number;
  phone: string;
  username?: string;
  firstName: string;
  deactivated: boolean;
  password?: string;
}) {
  return {
    id: user.id,
    phone: user.phone,
    username: user.username ?? null,
    firstName: user.firstName,
    deactivated: user.deactivated,
    hasPassword: user.password !== undefined,
  };
}

function messageView(message: Message) {
  const out: Record<string, unknown> = {
    messageId: message.messageId,
    from: { type: message.from.type, id: message.from.id },
    text: message.text,
    date: message.date,
  };
  if (message.entities !== undefined) out.entities = message.entities;
  if (message.parseMode !== undefined) out.parseMode = message.parseMode;
  if (message.replyToMessageId !== undefined) out.replyToMessageId = message.replyToMessageId;
  if (message.disableNotification !== undefined) out.disableNotification = message.disableNotification;
  return out;
}

function chatView(chat: Chat) {
  return {
    id: chat.id,
    key: chat.key,
    type: chat.type,
    title: chat.title ?? null,
    username: chat.username ?? null,
    members: [...chat.members.values()].map((m) => ({
      [m.ref.type === 'user' ? 'userId' : 'botId']: m.ref.id,
      role: m.role,
      canPost: m.canPost,
    })),
    messageCount: chat.nextMessageId - 1,
  };
}

/**
 * A chat named in a path: its id (`-100...`), `@username`, its key, or a bot id (the private chat of
 * `fromUserId` with that bot, created when `create` is set), or a user id with `?botId=` when that user has
 * private chats with several bots.
 */
function findChat(world: World, raw: string, query: Record<string, string>, fromUserId?: number): Chat {
  const id = decodeURIComponent(raw);
  if (/^\d+$/.test(id)) {
    const n = Number(id);
    if (world.getBot(n) !== undefined) {
      const userId = fromUserId ?? (query.userId !== undefined ? idValue(query.userId, 'userId') : undefined);
      if (userId === undefined)
        throw invalid('name the user: the chat of a bot is per user (fromUserId or ?userId=)');
      if (world.getUser(userId) === undefined) throw notFound(`user ${userId}`);
      const chat = world.privateChat(
        { type: 'user', id: userId },
        { type: 'bot', id: n },
        fromUserId !== undefined,
      );
      if (chat === undefined) throw notFound('chat');
      return chat;
    }
    if (query.botId !== undefined) {
      const chat = world.privateChat(
        { type: 'user', id: n },
        { type: 'bot', id: idValue(query.botId, 'botId') },
      );
      if (chat === undefined) throw notFound('chat');
      return chat;
    }
    const chats = world.privateChatsOf(n);
    if (chats.length > 1) throw invalid('this user has several private chats: add ?botId=');
  }
  const chat = world.getChat(id);
  if (chat === undefined) throw notFound('chat');
  return chat;
}

async function route(ctx: ControlContext, req: Request): Promise<Answer> {
  const { world } = ctx;
  const [head, second, third] = req.parts;
  // `qr/scan` and `mtproto/outage` are literal paths; elsewhere the second segment is an id.
  const middle = second === undefined ? '' : head === 'qr' || head === 'mtproto' ? `/${second}` : '/:';
  const key = `${req.method} ${head ?? ''}${middle}${third === undefined ? '' : `/${third}`}`;
  switch (key) {
    case 'GET health':
      return ok({ ok: true });

    case 'POST bots': {
      const body = await req.body();
      onlyFields(body, ['username', 'firstName']);
      const bot = world.createBot({
        username: optionalString(body, 'username'),
        firstName: optionalString(body, 'firstName'),
      });
      return created({ id: bot.id, token: bot.token, username: bot.username, firstName: bot.firstName });
    }
    case 'GET bots':
      return ok(
        world.listBots().map((b) => ({
          id: b.id,
          token: b.token,
          username: b.username,
          firstName: b.firstName,
          revoked: b.revoked,
        })),
      );

    case 'POST users': {
      const body = await req.body();
      onlyFields(body, ['phone', 'firstName', 'lastName', 'username', 'password', 'passwordHint']);
      const user = world.createUser({
        phone: requiredString(body, 'phone'),
        firstName: optionalString(body, 'firstName'),
        lastName: optionalString(body, 'lastName'),
        username: optionalString(body, 'username'),
        password: optionalString(body, 'password'),
        passwordHint: optionalString(body, 'passwordHint'),
      });
      return created({
        id: user.id,
        phone: user.phone,
        username: user.username ?? null,
        firstName: user.firstName,
      });
    }
    case 'GET users':
      return ok(world.listUsers().map(userView));
    case 'PATCH users/:': {
      const user = world.findUserByPhone(decodeURIComponent(second!));
      if (user === undefined) throw notFound('user');
      const body = await req.body();
      onlyFields(body, ['password', 'passwordHint', 'deactivated', 'restrictsMessages']);
      const { deactivated, restrictsMessages } = body;
      if (deactivated !== undefined && typeof deactivated !== 'boolean')
        throw invalid('deactivated must be true or false');
      if (restrictsMessages !== undefined && typeof restrictsMessages !== 'boolean')
        throw invalid('restrictsMessages must be true or false');
      const password = body.password === null ? undefined : optionalString(body, 'password');
      const hint = optionalString(body, 'passwordHint');
      if ('password' in body) world.setPassword(user.id, password, hint);
      if (deactivated !== undefined) world.setDeactivated(user.id, deactivated);
      if (restrictsMessages !== undefined) world.setRestrictsMessages(user.id, restrictsMessages);
      return ok(userView(user));
    }
    case 'GET users/:/code': {
      const user = world.findUserByPhone(decodeURIComponent(second!));
      const code = world.lastLoginCode(user?.phone ?? decodeURIComponent(second!));
      if (code === undefined) throw notFound('login code');
      return ok({ code });
    }

    case 'POST qr/scan': {
      const body = await req.body();
      onlyFields(body, ['url', 'token', 'phone']);
      const phone = requiredString(body, 'phone');
      const token = qrToken(body);
      const entry = world.approveQr(token, phone);
      return ok({ ok: true, userId: entry.approvedBy });
    }

    case 'POST chats': {
      const body = await req.body();
      onlyFields(body, ['type', 'title', 'username', 'members']);
      const type = requiredString(body, 'type');
      const members = body.members ?? [];
      if (!Array.isArray(members)) throw invalid('members must be an array');
      const chat = world.createChat({
        type: type as Chat['type'],
        title: optionalString(body, 'title'),
        username: optionalString(body, 'username'),
        members: members.map((m, i) => memberSpec(m, `members[${i}]`)),
      });
      return created({ id: chat.id, username: chat.username ?? null, type: chat.type, key: chat.key });
    }
    case 'GET chats':
      return ok(world.listChats().map(chatView));
    case 'GET chats/:':
      return ok(chatView(findChat(world, second!, req.query)));
    case 'PUT chats/:/members':
    case 'POST chats/:/members': {
      const chat = findChat(world, second!, req.query);
      const spec = memberSpec(await req.body(), 'body');
      const member = world.setMember(chat, spec);
      return ok({
        [member.ref.type === 'user' ? 'userId' : 'botId']: member.ref.id,
        role: member.role,
        canPost: member.canPost,
      });
    }
    case 'GET chats/:/messages':
      return ok(findChat(world, second!, req.query).messages.map(messageView));
    case 'POST chats/:/messages':
      return created(await postInbound(world, second!, req));

    case 'POST faults': {
      const body = await req.body();
      onlyFields(body, ['target', 'kind', 'ms', 'retryAfter', 'count', 'status', 'message']);
      const kind = requiredString(body, 'kind');
      if (!FAULT_KINDS.includes(kind as FaultKind))
        throw invalid(`kind must be one of ${FAULT_KINDS.join(', ')}`);
      const fault = world.faults.add({
        target: requiredString(body, 'target'),
        kind: kind as FaultKind,
        ms: optionalNumber(body, 'ms'),
        retryAfter: optionalNumber(body, 'retryAfter'),
        count: optionalNumber(body, 'count'),
        status: optionalNumber(body, 'status'),
        message: optionalString(body, 'message'),
      });
      return created({ id: fault.id });
    }
    case 'GET faults':
      return ok(world.faults.list());
    case 'DELETE faults':
      world.faults.clear();
      return noContent;
    case 'DELETE faults/:':
      if (!world.faults.remove(decodeURIComponent(second!))) throw notFound('fault');
      return noContent;

    case 'GET limits':
      return ok(world.limits);
    case 'PUT limits':
    case 'PATCH limits':
      return ok(world.setLimits((await req.body()) as Partial<Limits>));

    case 'POST reset':
      world.reset();
      return noContent;

    case 'GET mtproto': {
      const info = ctx.mtproto?.();
      if (info === undefined) throw notFound('MTProto server (not running)');
      return ok(info);
    }
    case 'POST mtproto/outage':
    case 'DELETE mtproto/outage': {
      const outage = ctx.mtprotoOutage?.();
      if (outage === undefined) throw notFound('MTProto server (not running)');
      await (req.method === 'POST' ? outage.start() : outage.end());
      return noContent;
    }
  }
  return {
    status: 404,
    body: { error: `no route ${req.method} /_emulator/${req.parts.join('/')}`, code: 'NOT_FOUND' },
  };
}

function qrToken(body: Body): string {
  const token = optionalString(body, 'token');
  const url = optionalString(body, 'url');
  if ((token === undefined) === (url === undefined)) throw invalid('give exactly one of url, token');
  if (token !== undefined) return token;
  const match = /^tg:\/\/login\?token=([A-Za-z0-9_\-=%]+)$/.exec(url!);
  if (match === null) throw invalid('url must be tg://login?token=<base64url>');
  return decodeURIComponent(match[1]!);
}

/** `{fromUserId, text}`: a user writes to a chat; bots in it get the update, accounts a pushed update. */
async function postInbound(world: World, rawId: string, req: Request): Promise<unknown> {
  const body = await req.body();
  onlyFields(body, ['fromUserId', 'text', 'replyToMessageId']);
  const fromUserId = idValue(body.fromUserId, 'fromUserId');
  const text = requiredString(body, 'text');
  if (text.length > 4096) throw invalid('text is longer than 4096 characters');
  const replyTo = optionalNumber(body, 'replyToMessageId');
  const user = world.getUser(fromUserId);
  if (user === undefined) throw notFound(`user ${fromUserId}`);
  const chat = findChat(world, rawId, req.query, fromUserId);
  const member = world.getMember(chat, { type: 'user', id: fromUserId });
  if (member === undefined || member.role === 'left' || member.role === 'kicked') {
    throw invalid('that user is not a member of the chat');
  }
  if (!member.canPost) throw invalid('that user may not post in the chat');
  if (replyTo !== undefined && world.findMessage(chat, replyTo) === undefined)
    throw notFound('message to reply to');
  const message = world.postMessage(
    chat,
    { type: 'user', id: fromUserId },
    { text, replyToMessageId: replyTo },
  );
  return { ...messageView(message), chatId: chat.id };
}

/** Serves `/_emulator/...`; `rest` is the path after `/_emulator/`. */
export async function handleControl(
  ctx: ControlContext,
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
  query: string,
): Promise<void> {
  try {
    let parsed: Body | undefined;
    const answer = await route(ctx, {
      method: req.method ?? 'GET',
      parts: rest.split('/').filter((p) => p !== ''),
      query: parseQuery(query),
      body: async () => {
        parsed ??= asBody(await readJson(req, 1024 * 1024));
        return parsed;
      },
    });
    if (answer.body === undefined) sendEmpty(res, answer.status);
    else sendJson(res, answer.status, answer.body);
  } catch (error) {
    if (error instanceof WorldError) {
      sendJson(res, error.status, { error: error.message, code: error.code });
    } else if (error instanceof BodyError) {
      sendJson(res, error.status, {
        error: error.message,
        code: error.status === 413 ? 'TOO_LARGE' : 'INVALID',
      });
    } else {
      sendJson(res, 500, { error: 'internal error', code: 'INTERNAL' });
    }
  }
}
