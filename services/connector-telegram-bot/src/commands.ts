import { DEPRECATED_COMMANDS } from '@integrations/contracts';
import {
  type CommandRoutes,
  contextOf,
  purgeSubject,
  requireAdmin,
  routeCommands,
} from '@integrations/messaging';
import type { Registry } from '@integrations/observability';
import type { KeyRotationJob } from '@integrations/persistence';
import type { BotsService } from './bots/bots.service';
import { toChannel, type ChannelsService } from './channels/channels.service';
import type { WebhookReceiver } from './inbound/webhook';
import type { MessagesService } from './messages/messages.service';

/**
 * `telegram.bot.#` takes the bot's own commands and its channels' (`telegram.bot.channel.*`); `telegram.channel.#`
 * the deprecated channel keys, still accepted during their deprecation window (ADR 0020).
 */
export const COMMAND_BINDINGS = ['telegram.bot.#', 'telegram.channel.#', 'platform.user.deleted'];

/** The services this connector's commands go to. */
export interface BotServices {
  bots: BotsService;
  channels: ChannelsService;
  messages: MessagesService;
  webhooks: WebhookReceiver;
  keys: KeyRotationJob;
}

/** Routes each command of this connector to its service; the caller is always the envelope's `userid`. */
export function commandHandler(services: BotServices, registry: Registry) {
  const { bots, channels, messages, webhooks, keys } = services;
  return routeCommands(
    {
      'telegram.bot.connect': (caller, data, env) => bots.connect(caller, data, contextOf(env)),
      'telegram.bot.list': (caller, data) => bots.list(caller, data),
      'telegram.bot.get': (caller, data) => bots.get(caller, data.id),
      'telegram.bot.update': (caller, data, env) => bots.update(caller, data, contextOf(env)),
      'telegram.bot.remove': (caller, data, env) =>
        bots.remove({ ...caller, admin: false }, data.id, contextOf(env)),
      'telegram.bot.send': (caller, data, env, meta) => messages.sendViaBot(caller, data, env, meta),
      'telegram.bot.message.get': (caller, data) => messages.get(caller, data.id),
      'telegram.bot.webhook': (_caller, data) => webhooks.receive(data),
      'telegram.bot.keys.rotate': async (caller, _data, env) => {
        requireAdmin(caller, 'Key rotation');
        return keys.rotate(contextOf(env));
      },
      ...withDeprecatedKeys({
        'telegram.bot.channel.attach': (caller, data, env) => channels.attach(caller, data, contextOf(env)),
        'telegram.bot.channel.list': (caller, data) => channels.list(caller, data),
        'telegram.bot.channel.get': async (caller, data) => toChannel(await channels.find(caller, data.id)),
        'telegram.bot.channel.update': (caller, data, env) => channels.update(caller, data, contextOf(env)),
        'telegram.bot.channel.remove': (caller, data, env) =>
          channels.remove({ ...caller, admin: false }, data.id, contextOf(env)),
        'telegram.bot.channel.send': (caller, data, env) => messages.sendViaChannel(caller, data, env),
      }),
      'platform.user.deleted': (caller, data, env) =>
        bots.purgeUser(purgeSubject(caller, data), contextOf(env)),
    },
    { registry },
  );
}

type Deprecated = keyof typeof DEPRECATED_COMMANDS;
type ChannelKey = (typeof DEPRECATED_COMMANDS)[Deprecated];

/** The channel routes under their keys and under the deprecated keys they replaced (same data, same answer). */
function withDeprecatedKeys(routes: CommandRoutes<ChannelKey>): CommandRoutes<ChannelKey | Deprecated> {
  const aliases = Object.fromEntries(
    Object.entries(DEPRECATED_COMMANDS).map(([old, replacement]) => [old, routes[replacement]]),
  ) as CommandRoutes<Deprecated>;
  return { ...routes, ...aliases };
}
