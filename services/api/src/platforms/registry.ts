import type { CommandType, KeyRotation } from '@integrations/contracts';

/** What the api does to a platform's channels; each verb is one command `<platform>.<resource>.channel.<verb>`. */
export type ChannelVerb = 'attach' | 'list' | 'get' | 'update' | 'remove' | 'send';

/**
 * One connector of a platform, declared once: the resources it owns and the command keys of each. The api's
 * routes, owner lookups, merged lists and `API_CONNECTORS` read this table; adding a platform is adding an entry
 * (and its schemas), not editing controllers.
 */
export interface ConnectorDeclaration {
  /** The platform it speaks to (`telegram`): the first word of its routing keys and of its audit entries. */
  platform: string;
  /** Its own resource (`bot`, `account`): `<platform>.<resource>.<verb>` are its commands. */
  resource: string;
  /** Where the REST api serves its own resource, under `/api/integrations/`. */
  path: string;
  commands: {
    /** A message it sent or queued, by id (`GET /messages/{id}`). */
    messageGet: CommandType;
    /** Its channels and groups, when it has any (`/channels` merges every connector's). */
    channel?: Record<ChannelVerb, CommandType>;
    /** The key that encrypts its secrets at rest, and the command that rotates it. */
    keys?: { keyName: KeyRotation['keyName']; rotate: CommandType };
  };
}

/** `telegram.bot.channel.send` etc.: the symmetric keys of a connector's channels (ADR 0020). */
const channelCommands = <P extends string>(prefix: P) =>
  ({
    attach: `${prefix}.channel.attach`,
    list: `${prefix}.channel.list`,
    get: `${prefix}.channel.get`,
    update: `${prefix}.channel.update`,
    remove: `${prefix}.channel.remove`,
    send: `${prefix}.channel.send`,
  }) as const;

/** The registry, in the order merged lists walk it and unknown ids are looked up. */
export const CONNECTORS = {
  bot: {
    platform: 'telegram',
    resource: 'bot',
    path: 'telegram/bots',
    commands: {
      messageGet: 'telegram.bot.message.get',
      channel: channelCommands('telegram.bot'),
      keys: { keyName: 'telegram-bots', rotate: 'telegram.bot.keys.rotate' },
    },
  },
  account: {
    platform: 'telegram',
    resource: 'account',
    path: 'telegram/accounts',
    commands: {
      messageGet: 'telegram.account.message.get',
      channel: channelCommands('telegram.account'),
      keys: { keyName: 'telegram-sessions', rotate: 'telegram.account.keys.rotate' },
    },
  },
} as const satisfies Record<string, ConnectorDeclaration>;

/** A connector's name: what `API_CONNECTORS` lists, what a channel's `via.type` says, what owner records keep. */
export type ConnectorName = keyof typeof CONNECTORS;
export type Connector = (typeof CONNECTORS)[ConnectorName];

export const CONNECTOR_NAMES = Object.keys(CONNECTORS) as ConnectorName[];

export const isConnectorName = (value: unknown): value is ConnectorName =>
  typeof value === 'string' && Object.hasOwn(CONNECTORS, value);

/** The deployed connectors in registry order. */
export const deployed = (names: ReadonlySet<ConnectorName>): ConnectorName[] =>
  CONNECTOR_NAMES.filter((name) => names.has(name));

/** The channel command keys of a connector (typed: the data and reply of each key are the contract's). */
export const channelCommandsOf = (name: ConnectorName): Connector['commands']['channel'] =>
  CONNECTORS[name].commands.channel;
