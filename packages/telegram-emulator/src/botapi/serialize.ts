import type { Bot, Chat, ChatMember, Message, ParticipantRef, User, World } from '../world';

/** Telegram's `User` object of a user account. */
export function apiUser(user: User): Record<string, unknown> {
  const out: Record<string, unknown> = { id: user.id, is_bot: false, first_name: user.firstName };
  if (user.lastName !== undefined) out.last_name = user.lastName;
  if (user.username !== undefined) out.username = user.username;
  out.language_code = 'en';
  return out;
}

/** Telegram's `User` object of a bot (as others see it). */
export function apiBot(bot: Bot): Record<string, unknown> {
  return { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username };
}

/** What `getMe` answers: the bot plus its capabilities. */
export function apiMe(bot: Bot): Record<string, unknown> {
  return {
    ...apiBot(bot),
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
}

export function apiParticipant(world: World, ref: ParticipantRef): Record<string, unknown> {
  if (ref.type === 'bot') {
    const bot = world.getBot(ref.id);
    return bot ? apiBot(bot) : { id: ref.id, is_bot: true, first_name: 'Deleted Bot' };
  }
  const user = world.getUser(ref.id);
  return user ? apiUser(user) : { id: ref.id, is_bot: false, first_name: 'Deleted Account' };
}

/** Telegram's `Chat` object (as embedded in messages). */
export function apiChat(world: World, chat: Chat): Record<string, unknown> {
  if (chat.type === 'private') {
    const user = world.getUser(Number(chat.id));
    const out: Record<string, unknown> = {
      id: Number(chat.id),
      first_name: user?.firstName ?? 'Deleted Account',
    };
    if (user?.lastName !== undefined) out.last_name = user.lastName;
    if (user?.username !== undefined) out.username = user.username;
    out.type = 'private';
    return out;
  }
  const out: Record<string, unknown> = { id: Number(chat.id), title: chat.title };
  if (chat.username !== undefined) out.username = chat.username;
  out.type = chat.type;
  if (chat.type === 'group') out.all_members_are_administrators = false;
  return out;
}

/** `getChat`'s `ChatFullInfo`. */
export function apiChatFullInfo(world: World, chat: Chat): Record<string, unknown> {
  const out = apiChat(world, chat);
  delete out.all_members_are_administrators;
  out.accent_color_id = 0;
  out.max_reaction_count = 11;
  if (chat.type !== 'private') {
    out.permissions = { can_send_messages: true };
  }
  return out;
}

/** Telegram's `Message`; channel posts carry `sender_chat` instead of `from`. */
export function apiMessage(
  world: World,
  chat: Chat,
  message: Message,
  withReply = true,
): Record<string, unknown> {
  const out: Record<string, unknown> = { message_id: message.messageId };
  if (chat.type === 'channel') out.sender_chat = apiChat(world, chat);
  else out.from = apiParticipant(world, message.from);
  out.chat = apiChat(world, chat);
  out.date = message.date;
  if (withReply && message.replyToMessageId !== undefined) {
    const replied = world.findMessage(chat, message.replyToMessageId);
    if (replied !== undefined) out.reply_to_message = apiMessage(world, chat, replied, false);
  }
  out.text = message.text;
  if (message.entities !== undefined && message.entities.length > 0) out.entities = message.entities;
  return out;
}

const ADMIN_RIGHTS = {
  can_be_edited: false,
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
};

/** Telegram's `ChatMember` union for one member. */
export function apiChatMember(world: World, chat: Chat, member: ChatMember): Record<string, unknown> {
  const user = apiParticipant(world, member.ref);
  switch (member.role) {
    case 'creator':
      return { user, status: 'creator', is_anonymous: false };
    case 'administrator': {
      const out: Record<string, unknown> = { user, status: 'administrator', ...ADMIN_RIGHTS };
      if (chat.type === 'channel') {
        out.can_post_messages = member.canPost;
        out.can_edit_messages = member.canPost;
      } else {
        out.can_pin_messages = true;
      }
      return out;
    }
    case 'member':
      if (chat.type !== 'channel' && !member.canPost) {
        return { user, status: 'restricted', is_member: true, can_send_messages: false, until_date: 0 };
      }
      return { user, status: 'member' };
    case 'left':
      return { user, status: 'left' };
    case 'kicked':
      return { user, status: 'kicked', until_date: 0 };
  }
}
