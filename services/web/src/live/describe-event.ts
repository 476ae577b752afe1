import type { LiveEvent } from './event-stream';
import { sentence } from './notify';

export interface Notice {
  title: string;
  message: string;
  tone: 'red' | 'green' | 'blue' | 'yellow';
  /** The user has to act (reconnect an account): the notice stays until closed. */
  critical?: boolean;
}

/** Names the UI already knows: a channel's title by its id, an account's or bot's name by its id. */
export interface KnownNames {
  chat(chatId: string): string | undefined;
  resource(id: string): string | undefined;
}

const NO_NAMES: KnownNames = { chat: () => undefined, resource: () => undefined };

const str = (value: unknown) => (typeof value === 'string' ? value : '');
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** What a live event means to a marketer, in one line. Events without a notice update the lists silently. */
export function describeEvent(event: LiveEvent, names: KnownNames = NO_NAMES): Notice | null {
  const data = event.data;
  const error = data['error'] as { code?: string; detail?: string } | undefined;
  const detail = error?.detail ? `: ${sentence(error.detail)}` : '';
  switch (event.type) {
    case 'telegram.account.session_error': {
      const who = names.resource(str(data['accountId'])) ?? 'A Telegram account';
      return {
        title: 'Account session down',
        message: `${who} lost its session${detail}. Reconnect it on the Accounts page.`,
        tone: 'red',
        critical: true,
      };
    }
    case 'telegram.account.connected':
      return {
        title: 'Account connected',
        message: `${str(data['username']) ? `@${str(data['username'])}` : 'A Telegram account'} is connected.`,
        tone: 'green',
      };
    case 'telegram.message.failed': {
      const chatId = str(data['chatId']);
      const chat =
        str(data['chatTitle']) ||
        names.resource(str(data['channelId'])) ||
        names.chat(chatId) ||
        (chatId.startsWith('@') ? chatId : 'a chat');
      return {
        title: 'Send failed',
        message: `A message to ${chat} was not sent${detail}.`,
        tone: 'red',
      };
    }
    case 'telegram.message.received': {
      const from = data['from'] as { username?: string | null; id?: string } | undefined;
      const text = str(data['text']);
      return {
        title: 'New message',
        message: `${from?.username ? `@${from.username}` : from?.id ? `Telegram user ${from.id}` : 'Someone'}: ${text ? clip(text, 120) : '(no text)'}`,
        tone: 'blue',
      };
    }
    case 'whatsapp.message.status': {
      if (data['status'] !== 'failed') return null;
      return {
        title: 'WhatsApp message failed',
        message: `A message to +${str(data['to']).replace(/^\+/, '')} was not delivered${detail}.`,
        tone: 'red',
      };
    }
    case 'whatsapp.message.received': {
      const text = str(data['text']);
      const name = str(data['name']);
      return {
        title: 'New WhatsApp message',
        message: `${name || `+${str(data['from'])}`}: ${text ? clip(text, 120) : '(no text)'}`,
        tone: 'blue',
      };
    }
    case 'telegram.channel.write_forbidden': {
      const chat = names.resource(str(data['channelId'])) ?? 'an attached channel';
      return {
        title: 'Posting refused',
        message: `Telegram no longer allows posting to ${chat}.`,
        tone: 'yellow',
      };
    }
    default:
      return null;
  }
}

/** Which cached lists an event makes stale. */
export function staleListsOf(type: string): string[] {
  // A removed bot or account takes its channels with it.
  if (type === 'telegram.bot.removed') return ['bots', 'channels'];
  if (type === 'telegram.account.disconnected') return ['accounts', 'channels'];
  // A number shown changes no account: only the activity log has a new entry.
  if (type === 'telegram.account.phone_revealed') return ['logs'];
  if (type.startsWith('telegram.account.')) return ['accounts'];
  if (type.startsWith('telegram.bot.')) return ['bots'];
  if (type.startsWith('telegram.channel.')) return ['channels'];
  if (type.startsWith('telegram.message.')) return ['stats', 'logs'];
  if (type.startsWith('security.webhook.')) return ['webhooks'];
  // A WhatsApp message's delivery states (accepted → sent → delivered → read) follow the status webhooks.
  if (type.startsWith('whatsapp.message.')) return ['whatsapp-messages', 'stats', 'logs'];
  if (type.startsWith('whatsapp.number.')) return ['whatsapp'];
  return [];
}
