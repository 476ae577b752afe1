/** The topology lives in @integrations/contracts (one source for the code, the AsyncAPI document and the client). */
export {
  EXCHANGES,
  PRIORITIES,
  RETRY_DELAYS_MS,
  bindingsFor,
  deadQueueName,
  keyedQueueArguments,
  queueNames,
  retryQueueArguments,
  routingKeyFor,
  workQueueArguments,
  type ExchangeAlias,
  type Priority,
} from '@integrations/contracts';
