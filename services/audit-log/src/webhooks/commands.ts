import { DomainError, type CommandDataMap, type Envelope } from '@integrations/contracts';
import { contextOf } from '@integrations/messaging';
import type { KeyRotationJob } from '@integrations/persistence';
import type { Caller, WebhooksService } from './webhooks.service';

export const WEBHOOK_COMMAND_BINDINGS = ['webhooks.#'];

type Handled =
  | 'webhooks.create'
  | 'webhooks.list'
  | 'webhooks.get'
  | 'webhooks.remove'
  | 'webhooks.deliveries'
  | 'webhooks.redeliver'
  | 'webhooks.keys.rotate';

/** Routes each webhook command to the service; the caller is always the envelope's `userid`. */
export function webhookCommandHandler(webhooks: WebhooksService, keys: KeyRotationJob) {
  const table: {
    [K in Handled]: (caller: Caller, data: CommandDataMap[K], envelope: Envelope) => Promise<unknown>;
  } = {
    'webhooks.create': (caller, data, env) => webhooks.create(caller, data, contextOf(env)),
    'webhooks.list': (caller, data) => webhooks.list(caller, data),
    'webhooks.get': (caller, data) => webhooks.get(caller, data.id),
    'webhooks.remove': (caller, data, env) => webhooks.remove(caller, data.id, contextOf(env)),
    'webhooks.deliveries': (caller, data) => webhooks.deliveries(caller, data),
    'webhooks.redeliver': (caller, data) => webhooks.redeliver(caller, data),
    'webhooks.keys.rotate': async (caller, _data, env) => {
      // The api lets only integrations:admin through; a command from elsewhere must say so too.
      if (!caller.admin)
        throw new DomainError('FORBIDDEN', 'Key rotation needs the integrations:admin scope.');
      return keys.rotate(contextOf(env));
    },
  };
  return async (envelope: Envelope): Promise<unknown> => {
    const handler = table[envelope.type as Handled] as
      ((caller: Caller, data: unknown, envelope: Envelope) => Promise<unknown>) | undefined;
    if (!handler) throw new DomainError('NOT_FOUND', `This service does not handle ${envelope.type}.`);
    return handler({ userId: envelope.userid, admin: envelope.useradmin === true }, envelope.data, envelope);
  };
}
