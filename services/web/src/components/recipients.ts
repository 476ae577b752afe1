import type { Channel, LogEntry } from '@integrations/contracts';

export interface RecipientOption {
  /** What is sent as `chatId` / `to`: an @username where there is one, else the chat id. */
  value: string;
  /** The chat's name, shown next to the value. */
  name: string;
  group: 'Attached channels and groups' | 'Recent chats';
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Whom a bot or an account can write to, from what the UI already has: the channels and groups attached through
 * it, and the chats it recently sent to or heard from (its activity). Newest first, one entry per chat.
 */
export function recipientOptions(
  senderId: string,
  channels: readonly Channel[],
  activity: readonly LogEntry[],
): RecipientOption[] {
  const seen = new Set<string>();
  const out: RecipientOption[] = [];
  const add = (option: RecipientOption, chatId: string) => {
    if (!option.value || seen.has(chatId) || seen.has(option.value)) return;
    seen.add(chatId);
    seen.add(option.value);
    out.push(option);
  };
  for (const channel of channels.filter((c) => c.via.id === senderId && c.canPost))
    add(
      {
        value: channel.username ? `@${channel.username}` : channel.chatId,
        name: channel.title,
        group: 'Attached channels and groups',
      },
      channel.chatId,
    );
  // One entry per chat, newest first; an @username learnt from any entry (a reply or a send) names it.
  const chats = new Map<string, { username?: string; title?: string; userId?: string }>();
  for (const entry of activity) {
    if (entry.resourceId !== senderId) continue;
    const details = entry.details as Record<string, unknown>;
    const chatId = str(details['chatId']);
    if (!chatId || !['message_sent', 'message_received'].includes(entry.action)) continue;
    const chat = chats.get(chatId) ?? {};
    const from = details['from'] as { username?: string | null; id?: string } | undefined;
    const title = str(details['chatTitle']);
    if (from?.username) chat.username ??= `@${from.username}`;
    if (title.startsWith('@')) chat.username ??= title;
    else if (title) chat.title ??= title;
    if (from?.id) chat.userId ??= from.id;
    chats.set(chatId, chat);
  }
  for (const [chatId, chat] of chats)
    add(
      {
        value: chat.username ?? chatId,
        name: chat.title ?? chat.username ?? (chat.userId ? `Telegram user ${chat.userId}` : chatId),
        group: 'Recent chats',
      },
      chatId,
    );
  return out;
}
