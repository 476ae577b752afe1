import type { Bot, Chat, ChatMember, World } from '../world';
import { badRequest, chatNotFound, forbidden, type BotApiError } from './errors';

const botRef = (bot: Bot) => ({ type: 'bot' as const, id: bot.id });

/**
 * The chat a bot names by `chat_id`: `@username`, a group/channel id, or a user id (its private chat with that
 * user). Unknown chats answer 400 "chat not found" like Telegram.
 */
export function resolveChatForBot(world: World, bot: Bot, chatId: string | undefined): Chat {
  if (chatId === undefined || chatId === '') throw badRequest('chat_id is empty');
  if (chatId.startsWith('@')) {
    const owner = world.resolveUsername(chatId);
    // Like Telegram, `@username` names public groups and channels only, never a user's private chat.
    if (owner?.kind === 'chat') return owner.chat;
    throw chatNotFound();
  }
  if (!/^-?\d+$/.test(chatId)) throw chatNotFound();
  if (chatId.startsWith('-')) {
    const chat = world.getChat(chatId);
    if (chat === undefined || chat.type === 'private') throw chatNotFound();
    return chat;
  }
  const id = Number(chatId);
  if (world.getBot(id) !== undefined) throw forbidden("bot can't send messages to bots");
  const user = world.getUser(id);
  if (user === undefined) throw chatNotFound();
  const chat = world.privateChat(botRef(bot), { type: 'user', id });
  // The user exists but never started the bot: Telegram answers 403 for sends, "chat not found" for reads.
  if (chat === undefined) throw forbidden("bot can't initiate conversation with a user");
  return chat;
}

/** A bot may read a chat it is in, or any public chat. */
export function assertCanSee(world: World, bot: Bot, chat: Chat): ChatMember | undefined {
  const member = world.getMember(chat, botRef(bot));
  const inside = member !== undefined && member.role !== 'left' && member.role !== 'kicked';
  if (!inside && chat.username === undefined) throw chatNotFound();
  return inside ? member : undefined;
}

const kindName = (chat: Chat): string =>
  chat.type === 'channel' ? 'channel' : chat.type === 'supergroup' ? 'supergroup' : 'group';

/** Telegram's answer when a bot may not post in a chat, or undefined when it may. */
export function postForbidden(world: World, bot: Bot, chat: Chat): BotApiError | undefined {
  const member = world.getMember(chat, botRef(bot));
  if (chat.type === 'private') {
    const user = world.getUser(Number(chat.id));
    if (user === undefined || user.deactivated) return forbidden('user is deactivated');
    if (member === undefined || member.role === 'kicked' || member.role === 'left') {
      return forbidden('bot was blocked by the user');
    }
    return undefined;
  }
  if (member === undefined || member.role === 'left')
    return forbidden(`bot is not a member of the ${kindName(chat)} chat`);
  if (member.role === 'kicked') return forbidden(`bot was kicked from the ${kindName(chat)} chat`);
  if (member.canPost) return undefined;
  if (chat.type === 'channel') return forbidden('need administrator rights in the channel chat');
  return forbidden('not enough rights to send text messages to the chat');
}
