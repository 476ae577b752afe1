export {
  startWhatsAppEmulator,
  isLoopback,
  type WhatsAppEmulator,
  type WhatsAppEmulatorOptions,
} from './emulator';
export { optionsFromEnv, stateFileFromEnv } from './config';
export { readState, restoreInto, snapshotOf, writeState, type WhatsAppEmulatorState } from './state-file';
export {
  WhatsAppEmulatorClient,
  WhatsAppEmulatorControlError,
  type CreatedNumber,
  type NumberInfo,
  type StoredMessage,
  type FaultRequest,
} from './control';
export { signBody, webhookBody, type Delivery, type WebhookOptions } from './webhooks';
export { GraphError } from './graph-error';
export { DEFAULT_LIMITS, type Limits, type LimitRule } from './limits';
export { FAULT_KINDS, type Fault, type FaultKind } from './faults';
export { Clock } from './clock';
export { World, WINDOW_MS, type MessageStatus, type WhatsAppError, type SentMessage } from './world';
export { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './receiver';
