import type { Bot, Chat, Limits, MessageEntity, ParticipantRef, World } from '../world';
import { badRequest, BotApiError, notFound, tooManyRequests } from './errors';
import { assertCanSee, postForbidden, resolveChatForBot } from './chats';
import { Params } from './params';
import { parseFormatted, type Parsed } from './parse-mode';
import { apiChatFullInfo, apiChatMember, apiMe, apiMessage } from './serialize';
import type { UpdateHub } from './updates';

export const MAX_MESSAGE_LENGTH = 4096;

export interface MethodContext {
  world: World;
  hub: UpdateHub;
  bot: Bot;
  params: Params;
}

type Method = (ctx: MethodContext) => unknown;

const botRef = (bot: Bot): ParticipantRef => ({ type: 'bot', id: bot.id });

function sendMessage({ world, bot, params }: MethodContext): unknown {
  const chatId = params.chatId();
  if (chatId === undefined) throw badRequest('chat_id is empty');
  const rawText = params.string('text');
  if (rawText === undefined || rawText.trim() === '') throw badRequest('message text is empty');
  const chat = resolveChatForBot(world, bot, chatId);
  const denied = postForbidden(world, bot, chat);
  if (denied !== undefined) throw denied;
  const parsed = explicitEntities(rawText, params) ?? parseFormatted(rawText, params.string('parse_mode'));
  if (parsed.text.trim() === '') throw badRequest('message text is empty');
  if (parsed.text.length > MAX_MESSAGE_LENGTH) throw badRequest('message is too long');
  const replyTo = replyTarget(world, chat, params);
  checkFlood(world, bot, chat);
  const message = world.postMessage(chat, botRef(bot), {
    text: parsed.text,
    parseMode: params.string('parse_mode'),
    entities: parsed.entities.length > 0 ? parsed.entities : undefined,
    replyToMessageId: replyTo,
    disableNotification: params.bool('disable_notification'),
  });
  return apiMessage(world, chat, message);
}

/** `entities` given instead of `parse_mode`: kept as they are once they fit the text. */
function explicitEntities(text: string, params: Params): Parsed | undefined {
  const raw = params.json('entities');
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw badRequest("can't parse entities JSON object");
  const entities: MessageEntity[] = raw.map((item: unknown) => {
    const e = item as Partial<MessageEntity> | null;
    if (
      e === null ||
      typeof e !== 'object' ||
      typeof e.type !== 'string' ||
      !Number.isInteger(e.offset) ||
      !Number.isInteger(e.length) ||
      e.offset! < 0 ||
      e.length! < 0 ||
      e.offset! + e.length! > text.length
    ) {
      throw badRequest("can't parse entities: entity is out of the text or has no type");
    }
    const entity: MessageEntity = { type: e.type, offset: e.offset!, length: e.length! };
    if (typeof e.url === 'string') entity.url = e.url;
    if (typeof e.language === 'string') entity.language = e.language;
    return entity;
  });
  return { text, entities };
}

/** `reply_to_message_id` or `reply_parameters.message_id`; a missing target is 400 unless allowed. */
function replyTarget(world: World, chat: Chat, params: Params): number | undefined {
  let messageId = params.int('reply_to_message_id');
  let allowMissing = params.bool('allow_sending_without_reply') ?? false;
  const reply = params.json('reply_parameters');
  if (reply !== undefined) {
    if (reply === null || typeof reply !== 'object')
      throw badRequest("can't parse reply parameters JSON object");
    const r = reply as { message_id?: unknown; allow_sending_without_reply?: unknown };
    if (typeof r.message_id !== 'number' || !Number.isInteger(r.message_id)) {
      throw badRequest('field "message_id" must be of type Integer');
    }
    messageId = r.message_id;
    allowMissing = r.allow_sending_without_reply === true;
  }
  if (messageId === undefined) return undefined;
  if (world.findMessage(chat, messageId) !== undefined) return messageId;
  if (allowMissing) return undefined;
  throw badRequest('message to be replied not found');
}

/** Telegram's flood limits: per bot, per private chat and per group; records the send when allowed. */
function checkFlood(world: World, bot: Bot, chat: Chat): void {
  const limits: Limits = world.limits;
  if (!limits.enabled) return;
  const chatRule = chat.type === 'private' ? limits.perPrivateChat : limits.perGroup;
  const waitMs = world.flood.hitAll([
    [`bot:${bot.id}`, limits.perBot],
    [`chat:${bot.id}:${chat.key}`, chatRule],
  ]);
  if (waitMs <= 0) return;
  throw tooManyRequests(limits.retryAfterSeconds ?? Math.max(1, Math.ceil(waitMs / 1000)));
}

function getChat({ world, bot, params }: MethodContext): unknown {
  const chat = resolveReadableChat(world, bot, params);
  assertCanSee(world, bot, chat);
  return apiChatFullInfo(world, chat);
}

/** Reads never reveal chats the bot has no private chat with: those are "chat not found". */
function resolveReadableChat(world: World, bot: Bot, params: Params): Chat {
  try {
    return resolveChatForBot(world, bot, params.chatId());
  } catch (error) {
    if (error instanceof BotApiError && error.code === 403) throw badRequest('chat not found');
    throw error;
  }
}

function getChatMember({ world, bot, params }: MethodContext): unknown {
  const chat = resolveReadableChat(world, bot, params);
  assertCanSee(world, bot, chat);
  const userId = params.int('user_id');
  if (userId === undefined) throw badRequest('user_id is empty');
  const ref: ParticipantRef | undefined =
    world.getUser(userId) !== undefined
      ? { type: 'user', id: userId }
      : world.getBot(userId) !== undefined
        ? { type: 'bot', id: userId }
        : undefined;
  if (ref === undefined) throw badRequest('user not found');
  const member = world.getMember(chat, ref) ?? { ref, role: 'left' as const, canPost: false, joinedAt: 0 };
  return apiChatMember(world, chat, member);
}

function getChatAdministrators({ world, bot, params }: MethodContext): unknown {
  const chat = resolveReadableChat(world, bot, params);
  assertCanSee(world, bot, chat);
  if (chat.type === 'private') throw badRequest('there are no administrators in the private chat');
  return world.administrators(chat).map((member) => apiChatMember(world, chat, member));
}

function getChatMemberCount({ world, bot, params }: MethodContext): unknown {
  const chat = resolveReadableChat(world, bot, params);
  assertCanSee(world, bot, chat);
  let count = 0;
  for (const member of chat.members.values())
    if (member.role !== 'left' && member.role !== 'kicked') count += 1;
  return count;
}

async function getUpdates({ hub, bot, params }: MethodContext): Promise<unknown> {
  const limit = Math.min(100, Math.max(1, params.int('limit') ?? 100));
  const timeout = Math.min(50, Math.max(0, params.int('timeout') ?? 0));
  const allowed = params.json('allowed_updates');
  return hub.getUpdates(
    bot.id,
    params.int('offset'),
    limit,
    timeout,
    Array.isArray(allowed) ? allowed.filter((a): a is string => typeof a === 'string') : undefined,
  );
}

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

function setWebhook({ hub, bot, params }: MethodContext): unknown {
  const url = params.string('url') ?? '';
  const dropPending = params.bool('drop_pending_updates') ?? false;
  if (url === '') {
    hub.deleteWebhook(bot.id, dropPending);
    return true;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
  }
  // Telegram insists on HTTPS; the emulator also takes plain HTTP so local receivers work.
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  }
  const secretToken = params.string('secret_token');
  if (secretToken !== undefined && secretToken !== '' && !SECRET_TOKEN.test(secretToken)) {
    throw badRequest('secret token contains unallowed characters');
  }
  const maxConnections = params.int('max_connections') ?? 40;
  if (maxConnections < 1 || maxConnections > 100)
    throw badRequest('bad webhook: max_connections must be 1..100');
  const allowed = params.json('allowed_updates');
  hub.setWebhook(
    bot.id,
    {
      url,
      secretToken: secretToken === '' ? undefined : secretToken,
      maxConnections,
      ipAddress: params.string('ip_address'),
      allowedUpdates: Array.isArray(allowed)
        ? allowed.filter((a): a is string => typeof a === 'string')
        : undefined,
    },
    dropPending,
  );
  return true;
}

function deleteWebhook({ hub, bot, params }: MethodContext): unknown {
  hub.deleteWebhook(bot.id, params.bool('drop_pending_updates') ?? false);
  return true;
}

function logOut({ hub, bot }: MethodContext): unknown {
  hub.forget(bot.id);
  return true;
}

/** Method names are case-insensitive on Telegram. */
export const METHODS: ReadonlyMap<string, Method> = new Map<string, Method>(
  Object.entries({
    getMe: ({ bot }: MethodContext) => apiMe(bot),
    sendMessage,
    getChat,
    getChatMember,
    getChatAdministrators,
    getChatMemberCount,
    getUpdates,
    setWebhook,
    deleteWebhook,
    getWebhookInfo: ({ hub, bot }: MethodContext) => hub.webhookInfo(bot.id),
    logOut,
    close: () => true,
  }).map(([name, fn]) => [name.toLowerCase(), fn]),
);

export function findMethod(name: string): Method {
  const method = METHODS.get(name.toLowerCase());
  if (method === undefined) throw notFound();
  return method;
}
