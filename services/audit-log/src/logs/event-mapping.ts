import type { Envelope } from '@integrations/contracts';
import type { IntegrationType, LogStatus, ResourceType } from '../db/schema';

export interface LogFields {
  integrationType: IntegrationType;
  action: string;
  status: LogStatus;
  targetId: string | null;
  errorMessage: string | null;
  /** The bot, account or channel it is about (a post to a channel is the channel's); none for security. */
  resource: { type: ResourceType; id: string } | null;
}

const FAILURES = new Set(['failed', 'session_error', 'write_forbidden', 'disabled']);

/**
 * What an event means for the audit trail. Derived from the routing key (`<platform>.<resource>.<verb>`), so a
 * new event of an existing resource needs no change here, and a new platform only its resource names.
 */
export function mapEvent(envelope: Envelope): LogFields {
  const [platform, resource = '', action = 'unknown'] = envelope.type.split('.');
  const data = (envelope.data ?? {}) as Record<string, unknown>;
  const via = data['via'] as { type?: string } | undefined;
  const integrationType =
    platform === 'security' ? 'security' : resourceType(resource === 'message' ? via?.type : resource);
  const error = data['error'] as { code?: string; detail?: string } | undefined;
  return {
    integrationType,
    // Security events of several resources share one type, so their action names the resource too.
    action: resource === 'message' || platform === 'security' ? `${resource}_${action}` : action,
    status: FAILURES.has(action) ? 'error' : action === 'received' ? 'info' : 'success',
    targetId: firstString(data, ['messageId', 'channelId', 'accountId', 'botId', 'webhookId', 'keyName']),
    errorMessage: error ? [error.code, error.detail].filter(Boolean).join(': ') : null,
    resource: platform === 'security' ? null : resourceOf(data),
  };
}

function resourceOf(data: Record<string, unknown>): LogFields['resource'] {
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

function resourceType(resource: string | undefined): IntegrationType {
  if (resource === 'account') return 'telegram_account';
  if (resource === 'channel') return 'telegram_channel';
  return 'telegram_bot';
}

function firstString(data: Record<string, unknown>, keys: string[]): string | null {
  for (const key of keys) if (typeof data[key] === 'string') return data[key] as string;
  return null;
}
