import type { Envelope } from '@integrations/contracts';
import type { LogStatus, ResourceType } from '../db/schema';

export interface LogFields {
  /** The routing key's first word: `telegram`, `security`, `platform`, a new platform's name. */
  platform: string;
  /** What the event is about: the key's second word, or for a message the kind it went through (`via.type`). */
  resource: string;
  action: string;
  status: LogStatus;
  targetId: string | null;
  errorMessage: string | null;
  /** The bot, account or channel it is about (a post to a channel is the channel's); none for security. */
  subject: { type: ResourceType; id: string } | null;
}

const FAILURES = new Set(['failed', 'session_error', 'write_forbidden', 'disabled']);
/** Platforms whose entries are the security trail rather than an integration's history. */
export const SECURITY_PLATFORMS = ['security', 'platform'] as const;
/** A word of a routing key as audit-log keeps it: anything else is stored as `unknown`, never guessed. */
const WORD = /^[a-z][a-z0-9_]{0,31}$/;
const word = (value: unknown): string => (typeof value === 'string' && WORD.test(value) ? value : 'unknown');

/**
 * What an event means for the audit trail. Derived from the routing key (`<platform>.<resource>.<verb>`), so a
 * new event of an existing resource needs no change here, and a new platform none at all: nothing defaults to
 * Telegram (an unknown key is filed under its own words).
 */
export function mapEvent(envelope: Envelope): LogFields {
  const [platformWord, resourceWord, verb = 'unknown'] = envelope.type.split('.');
  const platform = word(platformWord);
  const data = (envelope.data ?? {}) as Record<string, unknown>;
  // A `…status` event (WhatsApp's delivery states) carries its outcome in `data.status`: that is the action.
  const action = verb === 'status' && typeof data['status'] === 'string' ? word(data['status']) : verb;
  const via = data['via'] as { type?: string } | undefined;
  const security = (SECURITY_PLATFORMS as readonly string[]).includes(platform);
  const error = data['error'] as { code?: string; detail?: string } | undefined;
  return {
    platform,
    resource: word(resourceWord === 'message' && via?.type !== undefined ? via.type : resourceWord),
    // Security events of several resources share one type, so their action names the resource too.
    action: resourceWord === 'message' || security ? `${resourceWord ?? 'unknown'}_${action}` : action,
    status: FAILURES.has(action) ? 'error' : action === 'received' ? 'info' : 'success',
    targetId: firstString(data, [
      'messageId',
      'channelId',
      'accountId',
      'botId',
      'webhookId',
      'keyName',
      // A new platform's own resource (`numberId` of `whatsapp.number.*`).
      `${resourceWord ?? ''}Id`,
    ]),
    errorMessage: error ? [error.code, error.detail].filter(Boolean).join(': ') : null,
    subject: security ? null : subjectOf(data),
  };
}

/**
 * The `type` the API has always answered: `security` for the security trail, else `<platform>_<resource>`
 * (`telegram_bot`, `telegram_account`, `telegram_channel`, and a new platform's own).
 */
export function legacyType(platform: string, resource: string): string {
  return (SECURITY_PLATFORMS as readonly string[]).includes(platform)
    ? 'security'
    : `${platform}_${resource}`;
}

/** The inverse for the `type` filter of a query. */
export function fromLegacyType(type: string): { platforms: string[]; resource?: string } {
  if (type === 'security') return { platforms: [...SECURITY_PLATFORMS] };
  const [platform = '', ...rest] = type.split('_');
  return { platforms: [platform], resource: rest.join('_') };
}

function subjectOf(data: Record<string, unknown>): LogFields['subject'] {
  const via = data['via'] as { type?: string; id?: string } | undefined;
  if (typeof data['channelId'] === 'string') return { type: 'channel', id: data['channelId'] };
  if (
    (via?.type === 'bot' || via?.type === 'account' || via?.type === 'channel') &&
    typeof via.id === 'string'
  )
    return { type: via.type, id: via.id };
  if (typeof data['accountId'] === 'string') return { type: 'account', id: data['accountId'] };
  if (typeof data['botId'] === 'string') return { type: 'bot', id: data['botId'] };
  return null;
}

function firstString(data: Record<string, unknown>, keys: string[]): string | null {
  for (const key of keys) if (typeof data[key] === 'string') return data[key] as string;
  return null;
}
