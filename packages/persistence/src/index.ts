export {
  DEFAULT_MYSQL_URL,
  createDb,
  ensureDatabase,
  isPassingDatabaseError,
  type DbOptions,
} from './database';
export {
  KeyRotationJob,
  type EncryptedColumn,
  type KeyRotationResult,
  type RewrapCipher,
} from './key-rotation';
export { answersById, GroupCommit } from './group-commit';
export { StatementCache } from './statement-cache';
export { inOneTrip, transactionInOneTrip, transactionInTwoTrips, type StatementResult } from './one-trip';
export { retentionJob, type RetentionJob, type RetentionOptions, type RetentionRule } from './retention';
export { migrateToLatest, runMigrationsCli, type MigrationLogger } from './migrations';
export {
  enqueueOutbox,
  outboxInsertAfter,
  outboxLeaseMigration,
  outboxMigration,
  startOutboxRelay,
  type OutboxEnvelope,
  type HandedOffEvent,
  type OutboxExchange,
  type OutboxHandOff,
  type OutboxPublish,
  type OutboxRelay,
  type OutboxRelayOptions,
  type OutboxTable,
} from './outbox';
export {
  sql,
  type CompiledQuery,
  type CreateTableBuilder,
  type Generated,
  type Insertable,
  type Kysely,
  type Migration,
  type RawBuilder,
  type Selectable,
  type Transaction,
  type Updateable,
} from 'kysely';
export {
  decodeCursor,
  encodeCursor,
  likePattern,
  listPage,
  type ListCaller,
  type ListFilter,
} from './pagination';
