import type { LiveEvent } from './event-stream';

export interface Notice {
  title: string;
  message: string;
  tone: 'red' | 'green' | 'blue' | 'yellow';
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** What a live event means to a marketer, in one line. Events without a notice update the lists silently. */
export function describeEvent(event: LiveEvent): Notice | null {
  const data = event.data;
  const error = data['error'] as { code?: string; detail?: string } | undefined;
  switch (event.type) {
    case 'telegram.account.session_error':
      return {
        title: 'Account session down',
        message: `A Telegram account lost its session${error?.detail ? `: ${error.detail}` : ''}. Reconnect it on the Accounts page.`,
        tone: 'red',
      };
    case 'telegram.account.connected':
      return {
        title: 'Account connected',
        message: `${str(data['username']) ? `@${str(data['username'])}` : 'A Telegram account'} is connected.`,
        tone: 'green',
      };
    case 'telegram.message.failed':
      return {
        title: 'Send failed',
        message: `A message to ${str(data['chatId']) || 'a chat'} was not sent${error?.detail ? `: ${error.detail}` : ''}.`,
        tone: 'red',
      };
    case 'telegram.message.received': {
      const from = data['from'] as { username?: string | null; id?: string } | undefined;
      const text = str(data['text']);
      return {
        title: 'New message',
        message: `${from?.username ? `@${from.username}` : from?.id ? `Telegram user ${from.id}` : 'Someone'}: ${text.length > 120 ? `${text.slice(0, 117)}…` : text || '(no text)'}`,
        tone: 'blue',
      };
    }
    case 'telegram.channel.write_forbidden':
      return {
        title: 'Posting refused',
        message: 'Telegram no longer allows posting to an attached channel.',
        tone: 'yellow',
      };
    default:
      return null;
  }
}

/** Which cached lists an event makes stale. */
export function staleListsOf(type: string): string[] {
  if (type.startsWith('telegram.account.')) return ['accounts'];
  if (type.startsWith('telegram.bot.')) return ['bots'];
  if (type.startsWith('telegram.channel.')) return ['channels'];
  if (type.startsWith('telegram.message.')) return ['stats', 'logs'];
  return [];
}
