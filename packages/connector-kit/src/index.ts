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
