export {
  BREAKER_STATE,
  BreakerOpenError,
  BreakerSet,
  CallTimeoutError,
  withTimeout,
  type BreakerSetOptions,
} from './breakers';
