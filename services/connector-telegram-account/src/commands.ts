import { asOwner, contextOf, purgeSubject, requireAdmin, routeCommands } from '@integrations/messaging';
import type { Registry } from '@integrations/observability';
import type { KeyRotationJob } from '@integrations/persistence';
import type { AccountsService } from './accounts/accounts.service';
import { toChannel, type AccountChannelsService } from './channels/channels.service';
import type { FlowsService } from './flows/flows.service';
import type { AccountMessagesService } from './messages/messages.service';

/** Account commands, including channels and groups attached through an account. */
export const COMMAND_BINDINGS = ['telegram.account.#', 'platform.user.deleted'];

/** Routes each account command to its service; the caller is always the envelope's `userid`. */
export function commandHandler(
  services: {
    accounts: AccountsService;
    channels: AccountChannelsService;
    flows: FlowsService;
    messages: AccountMessagesService;
    /** Rotates `telegram-sessions` and rewraps every stored session (live clients keep their decrypted copy). */
    keys: KeyRotationJob;
  },
  registry: Registry,
) {
  const { accounts, channels, flows, messages, keys } = services;
  return routeCommands(
    {
      // Connect flows are their owner's alone: an admin neither reads another user's QR token nor submits codes
      // or passwords into their flow.
      'telegram.account.connect': (caller, data, env) => flows.start(asOwner(caller), data, contextOf(env)),
      'telegram.account.flow.get': (caller, data) => flows.get(asOwner(caller), data.flowId),
      'telegram.account.flow.code': (caller, data, env) =>
        flows.code(asOwner(caller), data.flowId, data.code, contextOf(env)),
      'telegram.account.flow.resend': (caller, data) => flows.resend(asOwner(caller), data.flowId),
      'telegram.account.flow.password': (caller, data, env) =>
        flows.password(asOwner(caller), data.flowId, data.password, contextOf(env)),
      'telegram.account.flow.cancel': async (caller, data) => {
        await flows.cancel(asOwner(caller), data.flowId);
        return {};
      },
      'telegram.account.list': (caller, data) => accounts.list(caller, data),
      // `reveal: 'phone'` answers the owner only (an admin gets a 404 for another user's) and is audited.
      'telegram.account.get': (caller, data, env) => accounts.get(caller, data, contextOf(env)),
      // Routed by the envelope's user, so it runs on the replica holding their live clients and flows.
      'platform.user.deleted': async (caller, data, env) => {
        const userId = purgeSubject(caller, data);
        await flows.expireWhere((owner) => owner === userId);
        return accounts.purgeUser(userId, contextOf(env));
      },
      'telegram.account.update': (caller, data, env) => accounts.update(caller, data, contextOf(env)),
      'telegram.account.remove': async (caller, data, env) => {
        await accounts.remove(asOwner(caller), data.id, contextOf(env));
        return {};
      },
      'telegram.account.reconnect': (caller, data) => accounts.reconnect(asOwner(caller), data.id),
      'telegram.account.send': (caller, data, env) => messages.send(caller, data, env),
      'telegram.account.message.get': (caller, data) => messages.get(caller, data.id),
      'telegram.account.channel.attach': (caller, data, env) => channels.attach(caller, data, contextOf(env)),
      'telegram.account.channel.list': (caller, data) => channels.list(caller, data),
      'telegram.account.channel.get': async (caller, data) => toChannel(await channels.find(caller, data.id)),
      'telegram.account.channel.update': (caller, data, env) => channels.update(caller, data, contextOf(env)),
      'telegram.account.channel.remove': async (caller, data, env) => {
        await channels.remove(asOwner(caller), data.id, contextOf(env));
        return {};
      },
      'telegram.account.channel.send': (caller, data, env) => messages.sendViaChannel(caller, data, env),
      'telegram.account.keys.rotate': async (caller, _data, env) => {
        requireAdmin(caller, 'Key rotation');
        return keys.rotate(contextOf(env));
      },
    },
    { registry },
  );
}
