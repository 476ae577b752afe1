export {
  BREAKER_STATE,
  BreakerOpenError,
  BreakerSet,
  CallTimeoutError,
  withTimeout,
  type BreakerSetOptions,
} from './breakers';
export {
  ensureActive,
  planLifecycle,
  type LifecyclePatch,
  type LifecyclePlan,
  type LifecycleState,
  type LifecycleVerb,
} from './lifecycle';
export { writeLifecycle, type LifecycleRow, type LifecycleWrite } from './lifecycle-store';
export { KeyedQueue } from './keyed-queue';
export { untilRecorded, type FailedRecord, type RecordOptions } from './until-recorded';
export { idFromKey, messageIdOf } from './message-id';
export {
  MessageLedger,
  type Delivered,
  type MessageLedgerDeps,
  type MessageLedgerOptions,
  type OutboundRequest,
  type Outcome,
} from './message-ledger';
export {
  MessagesRepository,
  type CheckedInsert,
  type LedgerRow,
  type LedgerTable,
  type LedgerValues,
  type MessageStatus,
  type MessageStore,
  type OutboxEventState,
  type SenderTable,
} from './messages.repository';
export {
  OwnedRowsRepository,
  type Children,
  type ListCaller,
  type OwnedRows,
  type Page,
  type PublicPart,
} from './owned-rows.repository';
export { InMemoryMessageStore, InMemoryOwnedRows, RecordingOutbox } from './in-memory';
export {
  channelsTable,
  tableIndex,
  messagesTable,
  ownedTable,
  lifecycleMigration,
  type MessagesTableShape,
  type TableBuilder,
} from './migrations';
export {
  startConnectorBase,
  type ConnectorBase,
  type ConnectorBaseConfig,
  type RunningConnector,
} from './connector-base';
export { channelFilter, freshChannel, toChannel, updateChannel, type ChannelColumns } from './channels';
export { connectorSettings, type ConnectorSettings } from './config';
