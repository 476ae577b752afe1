export { contextOf, makeEnvelope, type MessageContext } from './envelope';
export {
  NotOwned,
  asOwner,
  ownedOrNotFound,
  requireAdmin,
  routeCommands,
  type CommandCaller,
  type CommandRoutes,
} from './command-router';
export { Messaging, type MessagingOptions } from './messaging';
export { shardOf, shardQueueFor, shardQueueOf, type ShardRouting } from './shards';
export type { RetiredEventQueue, RetirementPass } from './retired-queue';
export type * from './types';
export {
  EXCHANGES,
  PRIORITIES,
  RETRY_DELAYS_MS,
  deadQueueName,
  routingKeyFor,
  type ExchangeAlias,
  type Priority,
} from './topology';
export { purgeSubject, userPurge } from './user-purge';
export {
  REDACTED_HEADER,
  SEALED_HEADER,
  carriesSecrets,
  redactSecrets,
  secretFieldsOf,
  type FieldSealer,
} from './secret-fields';
