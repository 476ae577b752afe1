import type { ErrorCodeName } from '@integrations/contracts';

/** What each error means for the person looking at the screen, and what they can do about it. */
const EXPLANATIONS: Partial<Record<ErrorCodeName, string>> = {
  VALIDATION_FAILED: 'Some fields are not filled in correctly.',
  UNAUTHORIZED: 'Your sign-in has expired or the token is not valid. Sign in again.',
  FORBIDDEN: 'Your token does not allow this. Ask for a token with the write scope.',
  NOT_FOUND: 'This no longer exists. It may have been removed in another tab.',
  CONFLICT: 'This is already connected.',
  RATE_LIMITED: 'Too many requests in a short time.',
  TELEGRAM_TOKEN_INVALID: 'Telegram does not know this bot token. Copy it again from @BotFather.',
  TELEGRAM_PHONE_INVALID:
    'Telegram does not accept this phone number. Use the international format, e.g. +4915112345678.',
  TELEGRAM_CODE_INVALID: 'That code is not right. Enter the latest code Telegram sent you.',
  TELEGRAM_CODE_EXPIRED: 'That code has expired. Start again to get a new code.',
  TELEGRAM_PASSWORD_INVALID: 'That is not the two-step verification password of this account.',
  TELEGRAM_CHAT_NOT_FOUND: 'Telegram cannot find this chat. Check the @username or the chat id.',
  TELEGRAM_PEER_NOT_FOUND:
    'Telegram cannot find this recipient. Check the @username, or write to them from the account first.',
  TELEGRAM_NOT_ADMIN: 'The bot or account is not an administrator with the right to post there.',
  TELEGRAM_WRITE_FORBIDDEN: 'Telegram does not allow posting there any more.',
  TELEGRAM_SESSION_REVOKED: 'The Telegram session was ended from another device. Reconnect the account.',
  TELEGRAM_FLOOD_WAIT: 'Telegram asks to slow down.',
  FLOW_EXPIRED: 'This sign-in attempt has expired. Start again.',
  TELEGRAM_UNAVAILABLE: 'Telegram is not reachable right now. We will keep trying.',
  INTEGRATION_PAUSED: 'It is paused. Switch it back to active to send.',
  WHATSAPP_TOKEN_INVALID:
    'Meta does not accept this access token for this phone number id. Check both in your Meta app (a system-user token).',
  WHATSAPP_WINDOW_CLOSED:
    'The customer has not written in the last 24 hours: only an approved template can reach them now.',
  WHATSAPP_UNDELIVERABLE: 'WhatsApp could not deliver this message to that number.',
  WHATSAPP_TEMPLATE_NOT_FOUND: 'There is no approved template with this name and language.',
  WHATSAPP_TEMPLATE_PARAMETERS: "The template's parameters do not match its placeholders.",
  WHATSAPP_RATE_LIMITED: 'WhatsApp asks this number to slow down.',
  WHATSAPP_PAIR_RATE_LIMITED: 'Too many messages to this customer in a short time.',
  WHATSAPP_SEND_FAILED: 'WhatsApp refused this message.',
  WHATSAPP_UNAVAILABLE: 'WhatsApp is not reachable right now. Try again in a moment.',
  UPSTREAM_TIMEOUT: 'The service did not answer in time. Try again in a moment.',
  INTERNAL: 'Something went wrong on our side. Try again; if it keeps happening, contact support.',
};

export function explain(code: string | undefined): string {
  return (code && EXPLANATIONS[code as ErrorCodeName]) || 'The request failed.';
}

export function waitText(seconds: number | undefined): string | null {
  if (!seconds || seconds <= 0) return null;
  if (seconds < 90) return `Try again in ${seconds} s.`;
  return `Try again in ${Math.ceil(seconds / 60)} min.`;
}
