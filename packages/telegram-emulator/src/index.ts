export * from './world';
export {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type MtprotoHandle,
  type MtprotoStarter,
} from './emulator';
export { isLoopback, limitsFromEnv, optionsFromEnv } from './config';
export { EmulatorClient, EmulatorControlError } from './control';
export type {
  ControlContext,
  MtprotoInfo,
  CreatedBot,
  CreatedUser,
  CreatedChat,
  ChatMemberInput,
  StoredMessage,
  FaultRequest,
} from './control';
export { BotApiError } from './botapi/errors';
export { parseFormatted, type Parsed } from './botapi/parse-mode';
export type { Update, WebhookConfig } from './botapi/updates';
export {
  createEmulatorClient,
  emulatorConnection,
  signInWithCode,
  trustEmulatorKey,
  type EmulatorClientOptions,
  type EmulatorMtprotoInfo,
} from './mtproto/client';
