import type { CommandType, KeyRotation } from '@integrations/contracts';

/** What the api does to a platform's channels; each verb is one command `<platform>.<resource>.channel.<verb>`. */
export type ChannelVerb = 'attach' | 'list' | 'get' | 'update' | 'remove' | 'send';
/** What the api does to a connector's own resource (a bot, an account): `<platform>.<resource>.<verb>`. */
export type OwnVerb = 'list' | 'get' | 'update' | 'remove' | 'send';

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
  commands: {
    /** Its own resource's commands (`telegram.bot.get` …); connecting differs per platform and stays its route's. */
    own: Record<OwnVerb, CommandType>;
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

/** `telegram.bot.get` etc.: the commands of a connector's own resource. */
const ownCommands = <P extends string>(prefix: P) =>
  ({
    list: `${prefix}.list`,
    get: `${prefix}.get`,
    update: `${prefix}.update`,
    remove: `${prefix}.remove`,
    send: `${prefix}.send`,
  }) as const;

/** The registry, in the order merged lists walk it and unknown ids are looked up. */
export const CONNECTORS = {
  bot: {
    platform: 'telegram',
    resource: 'bot',
    commands: {
      own: ownCommands('telegram.bot'),
      messageGet: 'telegram.bot.message.get',
      channel: channelCommands('telegram.bot'),
      keys: { keyName: 'telegram-bots', rotate: 'telegram.bot.keys.rotate' },
    },
  },
  account: {
    platform: 'telegram',
    resource: 'account',
    commands: {
      own: ownCommands('telegram.account'),
      messageGet: 'telegram.account.message.get',
      channel: channelCommands('telegram.account'),
      keys: { keyName: 'telegram-sessions', rotate: 'telegram.account.keys.rotate' },
    },
  },
  whatsapp: {
    platform: 'whatsapp',
    resource: 'number',
    // No channels (a number sends to phone numbers) and no key rotation command yet (ADR 0022).
    commands: { own: ownCommands('whatsapp.number'), messageGet: 'whatsapp.message.get' },
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

/** The connectors that have channels (a channel's `via.type`). */
export type ChannelConnectorName = {
  [N in ConnectorName]: (typeof CONNECTORS)[N]['commands'] extends { channel: object } ? N : never;
}[ConnectorName];

/** The connectors that encrypt secrets with a key the admin api rotates. */
export type KeyedConnectorName = {
  [N in ConnectorName]: (typeof CONNECTORS)[N]['commands'] extends { keys: object } ? N : never;
}[ConnectorName];

export const hasChannels = (name: ConnectorName): name is ChannelConnectorName =>
  'channel' in CONNECTORS[name].commands;

export const hasKeys = (name: ConnectorName): name is KeyedConnectorName =>
  'keys' in CONNECTORS[name].commands;

/** The key and rotate command of a connector that has them. */
export const keysOf = (name: KeyedConnectorName) => CONNECTORS[name].commands.keys;

/** The channel command keys of a connector (typed: the data and reply of each key are the contract's). */
export const channelCommandsOf = (name: ChannelConnectorName) => CONNECTORS[name].commands.channel;
