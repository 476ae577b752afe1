import { asOwner, contextOf, requireAdmin, routeCommands } from '@integrations/messaging';
import type { Registry } from '@integrations/observability';
import type { KeyRotationJob } from '@integrations/persistence';
import type { WebhooksService } from './webhooks.service';

export const WEBHOOK_COMMAND_BINDINGS = ['webhooks.#'];

/** Routes each webhook command to the service; the caller is always the envelope's `userid`. */
export function webhookCommandHandler(webhooks: WebhooksService, keys: KeyRotationJob, registry: Registry) {
  return routeCommands(
    {
      'webhooks.create': (caller, data, env) => webhooks.create(caller, data, contextOf(env)),
      'webhooks.list': (caller, data) => webhooks.list(caller, data),
      'webhooks.get': (caller, data) => webhooks.get(caller, data.id),
      // Webhooks stay their owner's: an admin may read them, not remove or redeliver them.
      'webhooks.remove': (caller, data, env) => webhooks.remove(asOwner(caller), data.id, contextOf(env)),
      'webhooks.deliveries': (caller, data) => webhooks.deliveries(caller, data),
      'webhooks.redeliver': (caller, data) => webhooks.redeliver(asOwner(caller), data),
      'webhooks.keys.rotate': async (caller, _data, env) => {
        requireAdmin(caller, 'Key rotation');
        return keys.rotate(contextOf(env));
      },
    },
    { registry },
  );
}
