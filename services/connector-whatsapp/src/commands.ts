import { asOwner, contextOf, purgeSubject, routeCommands } from '@integrations/messaging';
import type { Registry } from '@integrations/observability';
import type { MessagesService } from './messages/messages.service';
import type { NumbersService } from './numbers/numbers.service';

export const COMMAND_BINDINGS = ['whatsapp.#', 'platform.user.deleted'];

/** Routes each command of this connector to its service; the caller is always the envelope's `userid`. */
export function commandHandler(
  services: { numbers: NumbersService; messages: MessagesService },
  registry: Registry,
) {
  const { numbers, messages } = services;
  return routeCommands(
    {
      'whatsapp.number.connect': (caller, data, env) =>
        numbers.connect(asOwner(caller), data, contextOf(env)),
      'whatsapp.number.list': (caller, data) => numbers.list(caller, data),
      'whatsapp.number.get': (caller, data) => numbers.get(caller, data.id),
      'whatsapp.number.update': (caller, data, env) => numbers.update(caller, data, contextOf(env)),
      'whatsapp.number.remove': (caller, data, env) => numbers.remove(caller, data.id, contextOf(env)),
      'whatsapp.number.send': (caller, data, env) => messages.send(asOwner(caller), data, env),
      'whatsapp.message.get': (caller, data) => messages.get(caller, data.id),
      'platform.user.deleted': (caller, data, env) =>
        numbers.purgeUser(purgeSubject(caller, data), contextOf(env)),
    },
    { registry },
  );
}
