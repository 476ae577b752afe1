// Generated from schemas/ by `pnpm --filter @integrations/contracts run generate`. Do not edit.
/**
 * Data of the command telegram.account.connect.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountConnectCommand".
 */
export type TelegramAccountConnectCommand = AccountConnectQr | AccountConnectCode;
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "ErrorCodeName".
 */
export type ErrorCodeName =
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'INTEGRATION_PAUSED'
  | 'TELEGRAM_TOKEN_INVALID'
  | 'TELEGRAM_PHONE_INVALID'
  | 'TELEGRAM_CODE_INVALID'
  | 'TELEGRAM_CODE_EXPIRED'
  | 'TELEGRAM_PASSWORD_INVALID'
  | 'TELEGRAM_CHAT_NOT_FOUND'
  | 'TELEGRAM_PEER_NOT_FOUND'
  | 'TELEGRAM_NOT_ADMIN'
  | 'TELEGRAM_WRITE_FORBIDDEN'
  | 'TELEGRAM_SESSION_REVOKED'
  | 'TELEGRAM_FLOOD_WAIT'
  | 'FLOW_EXPIRED'
  | 'TELEGRAM_UNAVAILABLE'
  | 'WHATSAPP_TOKEN_INVALID'
  | 'WHATSAPP_WINDOW_CLOSED'
  | 'WHATSAPP_UNDELIVERABLE'
  | 'WHATSAPP_TEMPLATE_NOT_FOUND'
  | 'WHATSAPP_TEMPLATE_PARAMETERS'
  | 'WHATSAPP_RATE_LIMITED'
  | 'WHATSAPP_PAIR_RATE_LIMITED'
  | 'WHATSAPP_SEND_FAILED'
  | 'WHATSAPP_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'INTERNAL';
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "ConnectBody".
 */
export type ConnectBody = ConnectQrBody | ConnectCodeBody;
/**
 * POST /api/integrations/whatsapp/numbers/{id}/send: a text or a template, exactly one (both or neither is refused with 422 before anything is sent). The api adds numberId from the path and messageId, and async from Prefer: respond-async.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppSendBody".
 */
export type WhatsAppSendBody = WhatsAppTextSendBody | WhatsAppTemplateSendBody;

export interface Contracts {}
/**
 * Data of the command audit.logs.query.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "AuditLogsQueryCommand".
 */
export interface AuditLogsQueryCommand {
  type?:
    | 'telegram_account'
    | 'telegram_bot'
    | 'telegram_channel'
    | 'whatsapp_number'
    | 'whatsapp_message'
    | 'security';
  /**
   * Only entries of this platform (`telegram`, `security`, ...).
   */
  platform?: string;
  /**
   * Only entries about this kind of resource (`bot`, `account`, `channel`, ...).
   */
  resource?: string;
  action?: string;
  status?: 'success' | 'error' | 'info';
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
  /**
   * Only entries about this bot, account or channel.
   */
  resourceId?: string;
}
/**
 * Data of the command audit.stats.query.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "AuditStatsQueryCommand".
 */
export interface AuditStatsQueryCommand {
  days: number;
}
/**
 * The platform deleted one of its users: every service purges what it owns for them (sessions logged out at Telegram, webhooks removed, rows deleted) and announces it with `platform.user.purged` (its name in `service`). Sent by the platform's User Service (the envelope's `userid` is the same user) or by the api for `DELETE /admin/users/{userId}`. Idempotent.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "PlatformUserDeletedCommand".
 */
export interface PlatformUserDeletedCommand {
  /**
   * The platform user's id (a token's sub).
   */
  userId: string;
}
/**
 * Data of the command telegram.account.channel.attach.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelAttachCommand".
 */
export interface TelegramAccountChannelAttachCommand {
  chat: string;
  via: Via;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "Via".
 */
export interface Via {
  type: 'bot' | 'account';
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.account.channel.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelGetCommand".
 */
export interface TelegramAccountChannelGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.account.channel.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelListCommand".
 */
export interface TelegramAccountChannelListCommand {
  limit: number;
  cursor?: string;
  /**
   * Text to find in names, usernames, titles, masked phones and chat ids (case-insensitive).
   */
  q?: string;
  /**
   * Only items in this status.
   */
  status?: 'active' | 'error' | 'revoked' | 'connecting' | 'write_forbidden';
  /**
   * Only active (true) or paused (false) items.
   */
  isActive?: boolean;
}
/**
 * Data of the command telegram.account.channel.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelRemoveCommand".
 */
export interface TelegramAccountChannelRemoveCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.account.channel.send.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelSendCommand".
 */
export interface TelegramAccountChannelSendCommand {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  replyToMessageId?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  channelId: string;
  /**
   * Made by the api (UUIDv7); a repeated id is deduplicated.
   */
  messageId?: string;
  /**
   * Prefer: respond-async: store as queued, answer at once, send in the background.
   */
  async?: boolean;
}
/**
 * Data of the command telegram.account.channel.update: pause, resume or label a channel.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelUpdateCommand".
 */
export interface TelegramAccountChannelUpdateCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive?: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label?: string | null;
}
export interface AccountConnectQr {
  method: 'qr';
}
export interface AccountConnectCode {
  method: 'code';
  /**
   * E.164 phone number.
   */
  phone: string;
}
/**
 * Data of the command telegram.account.flow.cancel.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowCancelCommand".
 */
export interface TelegramAccountFlowCancelCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
}
/**
 * Data of the command telegram.account.flow.code.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowCodeCommand".
 */
export interface TelegramAccountFlowCodeCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
  code: string;
}
/**
 * Data of the command telegram.account.flow.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowGetCommand".
 */
export interface TelegramAccountFlowGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
}
/**
 * Data of the command telegram.account.flow.password.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowPasswordCommand".
 */
export interface TelegramAccountFlowPasswordCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
  password: string;
}
/**
 * Data of the command telegram.account.flow.resend.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowResendCommand".
 */
export interface TelegramAccountFlowResendCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
}
/**
 * Data of the command telegram.account.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountGetCommand".
 */
export interface TelegramAccountGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * `phone`: answer the full phone number too (`fullPhone`), to the account's owner only (another user's account, even for an admin, is a 404); each reveal is announced as `telegram.account.phone_revealed`.
   */
  reveal?: 'phone';
}
/**
 * Data of the command telegram.account.keys.rotate.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountKeysRotateCommand".
 */
export interface TelegramAccountKeysRotateCommand {}
/**
 * Data of the command telegram.account.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountListCommand".
 */
export interface TelegramAccountListCommand {
  limit: number;
  cursor?: string;
  /**
   * Text to find in names, usernames, titles, masked phones and chat ids (case-insensitive).
   */
  q?: string;
  /**
   * Only items in this status.
   */
  status?: 'active' | 'error' | 'revoked' | 'connecting' | 'write_forbidden';
  /**
   * Only active (true) or paused (false) items.
   */
  isActive?: boolean;
}
/**
 * Data of the command telegram.account.message.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountMessageGetCommand".
 */
export interface TelegramAccountMessageGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.account.reconnect.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountReconnectCommand".
 */
export interface TelegramAccountReconnectCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.account.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountRemoveCommand".
 */
export interface TelegramAccountRemoveCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.account.send.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountSendCommand".
 */
export interface TelegramAccountSendCommand {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  replyToMessageId?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId: string;
  to: string;
  /**
   * Made by the api (UUIDv7); a repeated id is deduplicated.
   */
  messageId?: string;
  /**
   * Prefer: respond-async: store as queued, answer at once, send in the background.
   */
  async?: boolean;
}
/**
 * Data of the command telegram.account.update: pause, resume or label a account.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountUpdateCommand".
 */
export interface TelegramAccountUpdateCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive?: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label?: string | null;
}
/**
 * Data of the command telegram.bot.channel.attach.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelAttachCommand".
 */
export interface TelegramBotChannelAttachCommand {
  chat: string;
  via: Via;
}
/**
 * Data of the command telegram.bot.channel.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelGetCommand".
 */
export interface TelegramBotChannelGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.bot.channel.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelListCommand".
 */
export interface TelegramBotChannelListCommand {
  limit: number;
  cursor?: string;
  /**
   * Text to find in names, usernames, titles, masked phones and chat ids (case-insensitive).
   */
  q?: string;
  /**
   * Only items in this status.
   */
  status?: 'active' | 'error' | 'revoked' | 'connecting' | 'write_forbidden';
  /**
   * Only active (true) or paused (false) items.
   */
  isActive?: boolean;
}
/**
 * Data of the command telegram.bot.channel.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelRemoveCommand".
 */
export interface TelegramBotChannelRemoveCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.bot.channel.send.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelSendCommand".
 */
export interface TelegramBotChannelSendCommand {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  replyToMessageId?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  channelId: string;
  /**
   * Made by the api (UUIDv7); a repeated id is deduplicated.
   */
  messageId?: string;
  /**
   * Prefer: respond-async: store as queued, answer at once, send in the background.
   */
  async?: boolean;
}
/**
 * Data of the command telegram.bot.channel.update.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelUpdateCommand".
 */
export interface TelegramBotChannelUpdateCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive?: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label?: string | null;
}
/**
 * Data of the command telegram.bot.connect.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotConnectCommand".
 */
export interface TelegramBotConnectCommand {
  token: string;
}
/**
 * Data of the command telegram.bot.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotGetCommand".
 */
export interface TelegramBotGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.bot.keys.rotate.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotKeysRotateCommand".
 */
export interface TelegramBotKeysRotateCommand {}
/**
 * Data of the command telegram.bot.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotListCommand".
 */
export interface TelegramBotListCommand {
  limit: number;
  cursor?: string;
  /**
   * Text to find in names, usernames, titles, masked phones and chat ids (case-insensitive).
   */
  q?: string;
  /**
   * Only items in this status.
   */
  status?: 'active' | 'error' | 'revoked' | 'connecting' | 'write_forbidden';
  /**
   * Only active (true) or paused (false) items.
   */
  isActive?: boolean;
}
/**
 * Data of the command telegram.bot.message.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotMessageGetCommand".
 */
export interface TelegramBotMessageGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.bot.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotRemoveCommand".
 */
export interface TelegramBotRemoveCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command telegram.bot.send.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotSendCommand".
 */
export interface TelegramBotSendCommand {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  replyToMessageId?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  botId: string;
  chatId: string;
  /**
   * Made by the api (UUIDv7); a repeated id is deduplicated.
   */
  messageId?: string;
  /**
   * Prefer: respond-async: store as queued, answer at once, send in the background.
   */
  async?: boolean;
}
/**
 * Data of the command telegram.bot.update: pause, resume or label a bot.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotUpdateCommand".
 */
export interface TelegramBotUpdateCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive?: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label?: string | null;
}
/**
 * Data of the command telegram.bot.webhook.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotWebhookCommand".
 */
export interface TelegramBotWebhookCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  botId: string;
  secretToken: string;
  update: TelegramUpdate;
}
/**
 * A Telegram Update as the Bot API posts it to a webhook (Telegram's shape, not ours).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramUpdate".
 */
export interface TelegramUpdate {
  update_id: number;
  [k: string]: unknown;
}
/**
 * @deprecated
 * Data of the command telegram.channel.attach. Deprecated: the api publishes telegram.bot.channel.attach; the bot connector still accepts telegram.channel.attach during the deprecation window (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelAttachCommand".
 */
export interface TelegramChannelAttachCommand {
  chat: string;
  via: Via;
}
/**
 * @deprecated
 * Data of the command telegram.channel.get. Deprecated: the api publishes telegram.bot.channel.get; the bot connector still accepts telegram.channel.get during the deprecation window (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelGetCommand".
 */
export interface TelegramChannelGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * @deprecated
 * Data of the command telegram.channel.list. Deprecated: the api publishes telegram.bot.channel.list; the bot connector still accepts telegram.channel.list during the deprecation window (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelListCommand".
 */
export interface TelegramChannelListCommand {
  limit: number;
  cursor?: string;
  /**
   * Text to find in names, usernames, titles, masked phones and chat ids (case-insensitive).
   */
  q?: string;
  /**
   * Only items in this status.
   */
  status?: 'active' | 'error' | 'revoked' | 'connecting' | 'write_forbidden';
  /**
   * Only active (true) or paused (false) items.
   */
  isActive?: boolean;
}
/**
 * @deprecated
 * Data of the command telegram.channel.remove. Deprecated: the api publishes telegram.bot.channel.remove; the bot connector still accepts telegram.channel.remove during the deprecation window (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelRemoveCommand".
 */
export interface TelegramChannelRemoveCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * @deprecated
 * Data of the command telegram.channel.send. Deprecated: the api publishes telegram.bot.channel.send; the bot connector still accepts telegram.channel.send during the deprecation window (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelSendCommand".
 */
export interface TelegramChannelSendCommand {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  replyToMessageId?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  channelId: string;
  /**
   * Made by the api (UUIDv7); a repeated id is deduplicated.
   */
  messageId?: string;
  /**
   * Prefer: respond-async: store as queued, answer at once, send in the background.
   */
  async?: boolean;
}
/**
 * @deprecated
 * Data of the command telegram.channel.update. Deprecated: the api publishes telegram.bot.channel.update; the bot connector still accepts telegram.channel.update during the deprecation window (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelUpdateCommand".
 */
export interface TelegramChannelUpdateCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive?: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label?: string | null;
}
/**
 * Data of the command webhooks.create.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksCreateCommand".
 */
export interface WebhooksCreateCommand {
  url: string;
  /**
   * Routing-key patterns as in AMQP topics: `*` is one word, `#` any number of words.
   *
   * @minItems 1
   * @maxItems 20
   */
  events: [string, ...string[]];
}
/**
 * Data of the command webhooks.deliveries.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksDeliveriesCommand".
 */
export interface WebhooksDeliveriesCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  limit: number;
  cursor?: string;
}
/**
 * Data of the command webhooks.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksGetCommand".
 */
export interface WebhooksGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command webhooks.keys.rotate.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksKeysRotateCommand".
 */
export interface WebhooksKeysRotateCommand {}
/**
 * Data of the command webhooks.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksListCommand".
 */
export interface WebhooksListCommand {
  limit: number;
  cursor?: string;
}
/**
 * Data of the command webhooks.redeliver.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksRedeliverCommand".
 */
export interface WebhooksRedeliverCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  deliveryId: string;
}
/**
 * Data of the command webhooks.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksRemoveCommand".
 */
export interface WebhooksRemoveCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command whatsapp.message.get: one message and its state.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppMessageGetCommand".
 */
export interface WhatsAppMessageGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command whatsapp.number.connect: validates the token with GET /{version}/{phone-number-id}, stores token and secret encrypted, subscribes the number's webhook.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberConnectCommand".
 */
export interface WhatsAppNumberConnectCommand {
  /**
   * Meta's phone number id (digits).
   */
  phoneNumberId: string;
  /**
   * A system-user access token that can send for the number.
   */
  accessToken: string;
  /**
   * The app secret Meta signs webhooks with (X-Hub-Signature-256).
   */
  appSecret: string;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label?: string | null;
}
/**
 * Data of the command whatsapp.number.get: one number.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberGetCommand".
 */
export interface WhatsAppNumberGetCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command whatsapp.number.list: the caller's numbers, newest first.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberListCommand".
 */
export interface WhatsAppNumberListCommand {
  limit: number;
  cursor?: string;
  /**
   * Text to find in display numbers and verified names (case-insensitive).
   */
  q?: string;
  /**
   * Only numbers in this status.
   */
  status?: 'active' | 'revoked';
  /**
   * Only active (true) or paused (false) numbers.
   */
  isActive?: boolean;
}
/**
 * Data of the command whatsapp.number.remove: forgets the number, its token and secret (its messages stay until retention).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberRemoveCommand".
 */
export interface WhatsAppNumberRemoveCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the command whatsapp.number.send: sends a text or a template (exactly one of them; both or neither is VALIDATION_FAILED).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberSendCommand".
 */
export interface WhatsAppNumberSendCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  /**
   * A WhatsApp user's phone number in international form (digits, optionally with a leading +).
   */
  to: string;
  /**
   * A free-form text: only inside the customer's 24-hour window (otherwise failed WHATSAPP_WINDOW_CLOSED).
   */
  text?: string;
  template?: WhatsAppTemplate;
  /**
   * Made by the api (UUIDv7); a repeated id is deduplicated.
   */
  messageId?: string;
  /**
   * Prefer: respond-async: store as queued, answer at once, send in the background.
   */
  async?: boolean;
}
/**
 * An approved template to send, with text parameters for its placeholders.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppTemplate".
 */
export interface WhatsAppTemplate {
  /**
   * An approved template's name.
   */
  name: string;
  /**
   * The template's language code (en_US, de).
   */
  language: string;
  /**
   * Text parameters for the template's {{1}}, {{2}}… placeholders, as Meta takes them.
   *
   * @maxItems 10
   */
  components?: WhatsAppTemplateComponent[];
}
export interface WhatsAppTemplateComponent {
  type: 'header' | 'body';
  /**
   * @maxItems 20
   */
  parameters?: WhatsAppTemplateParameter[];
}
export interface WhatsAppTemplateParameter {
  type: 'text';
  text: string;
}
/**
 * Data of the command whatsapp.number.update: pause, resume or label a number.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberUpdateCommand".
 */
export interface WhatsAppNumberUpdateCommand {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * false: paused. Sends through a paused number answer 409 INTEGRATION_PAUSED; its webhooks are still received.
   */
  isActive?: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label?: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "Empty".
 */
export interface Empty {}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "FieldError".
 */
export interface FieldError {
  path: string;
  message: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "IdRef".
 */
export interface IdRef {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * RFC 9457 problem details with a stable code.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "Problem".
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCodeName;
  instance?: string;
  retryAfter?: number;
  errors?: FieldError[];
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "ReplyError".
 */
export interface ReplyError {
  code: ErrorCodeName;
  status: number;
  detail: string;
  retryAfter?: number;
  errors?: FieldError[];
}
/**
 * Why a WhatsApp message failed: our code, a detail, and Meta's code when Meta gave one.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppMessageError".
 */
export interface WhatsAppMessageError {
  code: ErrorCodeName;
  detail: string;
  /**
   * Meta's error code (131047, 131026, 132001…) when Meta gave one.
   */
  metaCode?: number;
}
/**
 * A CloudEvents 1.0 envelope (structured JSON) with the extensions this system uses.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "CloudEvent".
 */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: unknown;
  userid: string;
  traceparent?: string;
  idempotencykey?: string;
  requestid?: string;
  useradmin?: boolean;
}
/**
 * Data of the event platform.user.purged: what one service (named in `service`) purged for a deleted platform user. Each service that holds user data publishes its own (connector-telegram-bot, connector-telegram-account, audit-log).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "PlatformUserPurgedEvent".
 */
export interface PlatformUserPurgedEvent {
  /**
   * The platform user's id (a token's sub).
   */
  userId: string;
  service: string;
  /**
   * What was deleted, by kind (0 when a repeated purge found nothing).
   */
  counts: {
    [k: string]: number;
  };
}
/**
 * Data of the event security.key.rewrapped.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "SecurityKeyRewrappedEvent".
 */
export interface SecurityKeyRewrappedEvent {
  userId: string;
  keyName: string;
  version: number;
  rows: number;
}
/**
 * Data of the event security.key.rotated.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "SecurityKeyRotatedEvent".
 */
export interface SecurityKeyRotatedEvent {
  userId: string;
  keyName: string;
  version: number;
}
/**
 * Data of the event security.webhook.created.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "SecurityWebhookCreatedEvent".
 */
export interface SecurityWebhookCreatedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  webhookId: string;
  url: string;
  /**
   * Routing-key patterns as in AMQP topics: `*` is one word, `#` any number of words.
   *
   * @minItems 1
   * @maxItems 20
   */
  events: [string, ...string[]];
}
/**
 * Data of the event security.webhook.disabled.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "SecurityWebhookDisabledEvent".
 */
export interface SecurityWebhookDisabledEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  webhookId: string;
  reason: string;
}
/**
 * Data of the event security.webhook.removed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "SecurityWebhookRemovedEvent".
 */
export interface SecurityWebhookRemovedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  webhookId: string;
}
/**
 * Data of the event telegram.account.connected.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountConnectedEvent".
 */
export interface TelegramAccountConnectedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramUserId: string;
  username: string | null;
}
/**
 * Data of the event telegram.account.disconnected.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountDisconnectedEvent".
 */
export interface TelegramAccountDisconnectedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId: string;
  reason?: string;
}
/**
 * Data of the event telegram.account.paused: the account was paused.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountPausedEvent".
 */
export interface TelegramAccountPausedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Data of the event telegram.account.phone_revealed: the account's owner was shown its full phone number (the number itself is never in the event).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountPhoneRevealedEvent".
 */
export interface TelegramAccountPhoneRevealedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId: string;
}
/**
 * Data of the event telegram.account.resumed: the account was resumed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountResumedEvent".
 */
export interface TelegramAccountResumedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Data of the event telegram.account.session_error.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountSessionErrorEvent".
 */
export interface TelegramAccountSessionErrorEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId: string;
  error: EventError;
}
export interface EventError {
  code: ErrorCodeName;
  detail: string;
}
/**
 * Data of the event telegram.account.updated: the account was renamed (its label changed).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountUpdatedEvent".
 */
export interface TelegramAccountUpdatedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Data of the event telegram.bot.connected.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotConnectedEvent".
 */
export interface TelegramBotConnectedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  botId: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramBotId: string;
  username: string;
}
/**
 * Data of the event telegram.bot.paused: the bot was paused.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotPausedEvent".
 */
export interface TelegramBotPausedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  botId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Data of the event telegram.bot.removed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotRemovedEvent".
 */
export interface TelegramBotRemovedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  botId: string;
}
/**
 * Data of the event telegram.bot.resumed: the bot was resumed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotResumedEvent".
 */
export interface TelegramBotResumedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  botId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Data of the event telegram.bot.updated: the bot was renamed (its label changed).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotUpdatedEvent".
 */
export interface TelegramBotUpdatedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  botId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Data of the event telegram.channel.attached.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelAttachedEvent".
 */
export interface TelegramChannelAttachedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  channelId: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  via: Via;
}
/**
 * Data of the event telegram.channel.paused: the channel was paused.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelPausedEvent".
 */
export interface TelegramChannelPausedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  channelId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
  via?: Via;
}
/**
 * Data of the event telegram.channel.removed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelRemovedEvent".
 */
export interface TelegramChannelRemovedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  channelId: string;
}
/**
 * Data of the event telegram.channel.resumed: the channel was resumed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelResumedEvent".
 */
export interface TelegramChannelResumedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  channelId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
  via?: Via;
}
/**
 * Data of the event telegram.channel.updated: the channel was renamed (its label changed).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelUpdatedEvent".
 */
export interface TelegramChannelUpdatedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  channelId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
  via?: Via;
}
/**
 * Data of the event telegram.channel.write_forbidden.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelWriteForbiddenEvent".
 */
export interface TelegramChannelWriteForbiddenEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  channelId: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
}
/**
 * Data of the event telegram.message.failed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramMessageFailedEvent".
 */
export interface TelegramMessageFailedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  messageId: string;
  via: MessageTarget;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  error: EventError1;
  /**
   * The attached channel or group it went to, when it went to one.
   */
  channelId?: string;
  /**
   * A name for the chat as Telegram or the caller gave it (a title, a person's name, an @username).
   */
  chatTitle?: string;
  /**
   * What was sent (the platform's own message, kept in its history).
   */
  text?: string;
}
export interface MessageTarget {
  type: 'bot' | 'account' | 'channel';
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
export interface EventError1 {
  code: ErrorCodeName;
  detail: string;
}
/**
 * Data of the event telegram.message.received.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramMessageReceivedEvent".
 */
export interface TelegramMessageReceivedEvent {
  userId: string;
  via: Via;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId: string;
  from: MessageSender;
  text?: string;
  date: string;
}
export interface MessageSender {
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  id: string;
  username?: string | null;
}
/**
 * Data of the event telegram.message.sent.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramMessageSentEvent".
 */
export interface TelegramMessageSentEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  messageId: string;
  via: MessageTarget1;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId: string;
  sentAt: string;
  /**
   * The attached channel or group it went to, when it went to one.
   */
  channelId?: string;
  /**
   * A name for the chat as Telegram or the caller gave it (a title, a person's name, an @username).
   */
  chatTitle?: string;
  /**
   * What was sent (the platform's own message, kept in its history).
   */
  text?: string;
}
export interface MessageTarget1 {
  type: 'bot' | 'account' | 'channel';
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
}
/**
 * Data of the event whatsapp.message.received: a customer wrote to the number (this opens their 24-hour window).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppMessageReceivedEvent".
 */
export interface WhatsAppMessageReceivedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  /**
   * The customer's WhatsApp id (their number's digits).
   */
  from: string;
  /**
   * The customer's profile name, when Meta gave it.
   */
  name?: string;
  /**
   * WhatsApp's message id (wamid.…).
   */
  wamid: string;
  /**
   * Meta's message type (text, image…).
   */
  type: string;
  text?: string;
  date: string;
}
/**
 * Data of the event whatsapp.message.status: a sent message moved on (accepted by Meta, then sent, delivered, read, or failed with a code).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppMessageStatusEvent".
 */
export interface WhatsAppMessageStatusEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  messageId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  /**
   * A WhatsApp user's phone number in international form (digits, optionally with a leading +).
   */
  to: string;
  /**
   * queued: not yet accepted by Meta; accepted: Meta took it (200); sent, delivered, read, failed: as Meta's status webhooks say.
   */
  status: 'queued' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  /**
   * WhatsApp's message id (wamid.…).
   */
  wamid?: string;
  error?: WhatsAppMessageError;
  at: string;
}
/**
 * Data of the event whatsapp.number.connected: a number was connected.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberConnectedEvent".
 */
export interface WhatsAppNumberConnectedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  /**
   * Meta's phone number id (digits).
   */
  phoneNumberId: string;
  displayPhoneNumber: string;
}
/**
 * Data of the event whatsapp.number.paused: the number was paused.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberPausedEvent".
 */
export interface WhatsAppNumberPausedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label: string | null;
}
/**
 * Data of the event whatsapp.number.removed: the number was removed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberRemovedEvent".
 */
export interface WhatsAppNumberRemovedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
}
/**
 * Data of the event whatsapp.number.resumed: the number was resumed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberResumedEvent".
 */
export interface WhatsAppNumberResumedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label: string | null;
}
/**
 * Data of the event whatsapp.number.updated: the number was renamed.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberUpdatedEvent".
 */
export interface WhatsAppNumberUpdatedEvent {
  userId: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label: string | null;
}
/**
 * Reply data of audit.logs.query.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "AuditLogsQueryReply".
 */
export interface AuditLogsQueryReply {
  items: LogEntry[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "LogEntry".
 */
export interface LogEntry {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * The integration type: `<platform>_<resource>` (`telegram_bot`, `telegram_account`, `telegram_channel`, a new platform's own), or `security` for the security trail.
   */
  type: string;
  action: string;
  status: 'success' | 'error' | 'info';
  errorMessage: string | null;
  targetId: string | null;
  actor: string | null;
  requestId: string | null;
  traceId: string | null;
  eventId: string;
  eventType: string;
  details: {};
  createdAt: string;
  resourceType?: ('bot' | 'account' | 'channel') | null;
  resourceId?: string | null;
  /**
   * The platform user the entry belongs to (who asked for it).
   */
  userId?: string;
  /**
   * The platform of the event: the first word of its routing key (`telegram`, `security`, `platform`, ...).
   */
  platform?: string;
  /**
   * What the event is about: the second word of its routing key, for a message the kind it went through (`bot`, `account`, `channel`).
   */
  resource?: string;
}
/**
 * Reply data of audit.stats.query.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "AuditStatsQueryReply".
 */
export interface AuditStatsQueryReply {
  /**
   * The first day counted (UTC).
   */
  from: string;
  /**
   * The last day counted (UTC), today.
   */
  to: string;
  days: {
    date: string;
    /**
     * `<platform>_<resource>`, as in the activity log.
     */
    type: string;
    platform?: string;
    resource?: string;
    sent: number;
    failed: number;
    received: number;
  }[];
  /**
   * Per bot, account and channel over the whole period, busiest first (at most 50). A post to a channel counts for the channel.
   */
  resources?: {
    /**
     * The integration an entry is about: for a message, the channel it went to, else the bot or account.
     */
    resourceType: 'bot' | 'account' | 'channel';
    resourceId: string;
    sent: number;
    failed: number;
    received: number;
  }[];
}
/**
 * Reply data of platform.user.deleted (from whichever service answers first; every service announces its own purge).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "PlatformUserDeletedReply".
 */
export interface PlatformUserDeletedReply {
  /**
   * The platform user's id (a token's sub).
   */
  userId: string;
  service: string;
  /**
   * What was deleted, by kind (0 when a repeated purge found nothing).
   */
  counts: {
    [k: string]: number;
  };
}
/**
 * Reply data of telegram.account.channel.attach.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelAttachReply".
 */
export interface TelegramAccountChannelAttachReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.account.channel.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelGetReply".
 */
export interface TelegramAccountChannelGetReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.account.channel.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelListReply".
 */
export interface TelegramAccountChannelListReply {
  items: Channel[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "Channel".
 */
export interface Channel {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.account.channel.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelRemoveReply".
 */
export interface TelegramAccountChannelRemoveReply {}
/**
 * Reply data of telegram.account.channel.send.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelSendReply".
 */
export interface TelegramAccountChannelSendReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  status: 'queued' | 'sent' | 'failed';
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId?: string;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  sentAt?: string;
  error?: MessageError;
}
export interface MessageError {
  code: ErrorCodeName;
  detail: string;
}
/**
 * Reply data of telegram.account.channel.update.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountChannelUpdateReply".
 */
export interface Channel1 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.account.connect.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountConnectReply".
 */
export interface TelegramAccountConnectReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
  method: 'qr' | 'code';
  status: 'awaiting_qr_scan' | 'awaiting_code' | 'awaiting_password' | 'active' | 'failed' | 'expired';
  qr?: FlowQr;
  codeType?: 'app' | 'sms';
  passwordHint?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId?: string;
  error?: FlowError;
  expiresAt: string;
}
export interface FlowQr {
  url: string;
  expiresAt: string;
}
export interface FlowError {
  code: ErrorCodeName;
  detail: string;
}
/**
 * Reply data of telegram.account.flow.cancel.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowCancelReply".
 */
export interface TelegramAccountFlowCancelReply {}
/**
 * Reply data of telegram.account.flow.code.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowCodeReply".
 */
export interface TelegramAccountFlowCodeReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
  method: 'qr' | 'code';
  status: 'awaiting_qr_scan' | 'awaiting_code' | 'awaiting_password' | 'active' | 'failed' | 'expired';
  qr?: FlowQr;
  codeType?: 'app' | 'sms';
  passwordHint?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId?: string;
  error?: FlowError;
  expiresAt: string;
}
/**
 * Reply data of telegram.account.flow.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowGetReply".
 */
export interface TelegramAccountFlowGetReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
  method: 'qr' | 'code';
  status: 'awaiting_qr_scan' | 'awaiting_code' | 'awaiting_password' | 'active' | 'failed' | 'expired';
  qr?: FlowQr;
  codeType?: 'app' | 'sms';
  passwordHint?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId?: string;
  error?: FlowError;
  expiresAt: string;
}
/**
 * Reply data of telegram.account.flow.password.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowPasswordReply".
 */
export interface TelegramAccountFlowPasswordReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
  method: 'qr' | 'code';
  status: 'awaiting_qr_scan' | 'awaiting_code' | 'awaiting_password' | 'active' | 'failed' | 'expired';
  qr?: FlowQr;
  codeType?: 'app' | 'sms';
  passwordHint?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId?: string;
  error?: FlowError;
  expiresAt: string;
}
/**
 * Reply data of telegram.account.flow.resend.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountFlowResendReply".
 */
export interface TelegramAccountFlowResendReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
  method: 'qr' | 'code';
  status: 'awaiting_qr_scan' | 'awaiting_code' | 'awaiting_password' | 'active' | 'failed' | 'expired';
  qr?: FlowQr;
  codeType?: 'app' | 'sms';
  passwordHint?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId?: string;
  error?: FlowError;
  expiresAt: string;
}
/**
 * Reply data of telegram.account.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountGetReply".
 */
export interface TelegramAccountGetReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  phone: string | null;
  /**
   * Only in the answer to `GET …/accounts/{id}?reveal=phone` by the account's owner (null: Telegram did not tell it, e.g. some QR logins); absent everywhere else.
   */
  fullPhone?: string | null;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramUserId: string;
  username: string | null;
  firstName: string | null;
  status: 'active' | 'error' | 'revoked' | 'connecting';
  lastSeenAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.account.keys.rotate.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountKeysRotateReply".
 */
export interface TelegramAccountKeysRotateReply {
  keyName: 'telegram-bots' | 'telegram-sessions' | 'integration-webhooks';
  version: number;
  /**
   * Rows still encrypted with an older version; the rewrap job works them down.
   */
  pendingRows: number;
}
/**
 * Reply data of telegram.account.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountListReply".
 */
export interface TelegramAccountListReply {
  items: Account[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "Account".
 */
export interface Account {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  phone: string | null;
  /**
   * Only in the answer to `GET …/accounts/{id}?reveal=phone` by the account's owner (null: Telegram did not tell it, e.g. some QR logins); absent everywhere else.
   */
  fullPhone?: string | null;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramUserId: string;
  username: string | null;
  firstName: string | null;
  status: 'active' | 'error' | 'revoked' | 'connecting';
  lastSeenAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.account.message.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountMessageGetReply".
 */
export interface TelegramAccountMessageGetReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  status: 'queued' | 'sent' | 'failed';
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId?: string;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  sentAt?: string;
  error?: MessageError;
}
/**
 * Reply data of telegram.account.reconnect.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountReconnectReply".
 */
export interface Account1 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  phone: string | null;
  /**
   * Only in the answer to `GET …/accounts/{id}?reveal=phone` by the account's owner (null: Telegram did not tell it, e.g. some QR logins); absent everywhere else.
   */
  fullPhone?: string | null;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramUserId: string;
  username: string | null;
  firstName: string | null;
  status: 'active' | 'error' | 'revoked' | 'connecting';
  lastSeenAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.account.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountRemoveReply".
 */
export interface TelegramAccountRemoveReply {}
/**
 * Reply data of telegram.account.send.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountSendReply".
 */
export interface TelegramAccountSendReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  status: 'queued' | 'sent' | 'failed';
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId?: string;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  sentAt?: string;
  error?: MessageError;
}
/**
 * Reply data of telegram.account.update.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramAccountUpdateReply".
 */
export interface Account2 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  phone: string | null;
  /**
   * Only in the answer to `GET …/accounts/{id}?reveal=phone` by the account's owner (null: Telegram did not tell it, e.g. some QR logins); absent everywhere else.
   */
  fullPhone?: string | null;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramUserId: string;
  username: string | null;
  firstName: string | null;
  status: 'active' | 'error' | 'revoked' | 'connecting';
  lastSeenAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.bot.channel.attach.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelAttachReply".
 */
export interface Channel2 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.bot.channel.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelGetReply".
 */
export interface Channel3 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.bot.channel.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelListReply".
 */
export interface TelegramBotChannelListReply {
  items: Channel[];
  nextCursor: string | null;
}
/**
 * Reply data of telegram.bot.channel.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelRemoveReply".
 */
export interface TelegramBotChannelRemoveReply {}
/**
 * Reply data of telegram.bot.channel.send.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelSendReply".
 */
export interface TelegramBotChannelSendReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  status: 'queued' | 'sent' | 'failed';
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId?: string;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  sentAt?: string;
  error?: MessageError;
}
/**
 * Reply data of telegram.bot.channel.update.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotChannelUpdateReply".
 */
export interface Channel4 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.bot.connect.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotConnectReply".
 */
export interface TelegramBotConnectReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramBotId: string;
  username: string;
  firstName: string;
  status: 'active' | 'error' | 'revoked';
  updatesMode: 'webhook' | 'polling' | 'none';
  lastError?: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.bot.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotGetReply".
 */
export interface TelegramBotGetReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramBotId: string;
  username: string;
  firstName: string;
  status: 'active' | 'error' | 'revoked';
  updatesMode: 'webhook' | 'polling' | 'none';
  lastError?: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.bot.keys.rotate.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotKeysRotateReply".
 */
export interface TelegramBotKeysRotateReply {
  keyName: 'telegram-bots' | 'telegram-sessions' | 'integration-webhooks';
  version: number;
  /**
   * Rows still encrypted with an older version; the rewrap job works them down.
   */
  pendingRows: number;
}
/**
 * Reply data of telegram.bot.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotListReply".
 */
export interface TelegramBotListReply {
  items: Bot[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "Bot".
 */
export interface Bot {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramBotId: string;
  username: string;
  firstName: string;
  status: 'active' | 'error' | 'revoked';
  updatesMode: 'webhook' | 'polling' | 'none';
  lastError?: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.bot.message.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotMessageGetReply".
 */
export interface TelegramBotMessageGetReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  status: 'queued' | 'sent' | 'failed';
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId?: string;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  sentAt?: string;
  error?: MessageError;
}
/**
 * Reply data of telegram.bot.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotRemoveReply".
 */
export interface TelegramBotRemoveReply {}
/**
 * Reply data of telegram.bot.send.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotSendReply".
 */
export interface TelegramBotSendReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  status: 'queued' | 'sent' | 'failed';
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId?: string;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  sentAt?: string;
  error?: MessageError;
}
/**
 * Reply data of telegram.bot.update.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotUpdateReply".
 */
export interface Bot1 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramBotId: string;
  username: string;
  firstName: string;
  status: 'active' | 'error' | 'revoked';
  updatesMode: 'webhook' | 'polling' | 'none';
  lastError?: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of telegram.bot.webhook.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramBotWebhookReply".
 */
export interface TelegramBotWebhookReply {}
/**
 * @deprecated
 * Reply data of telegram.channel.attach. Deprecated: see telegram.bot.channel.attach (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelAttachReply".
 */
export interface Channel5 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * @deprecated
 * Reply data of telegram.channel.get. Deprecated: see telegram.bot.channel.get (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelGetReply".
 */
export interface Channel6 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * @deprecated
 * Reply data of telegram.channel.list. Deprecated: see telegram.bot.channel.list (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelListReply".
 */
export interface TelegramChannelListReply {
  items: Channel[];
  nextCursor: string | null;
}
/**
 * @deprecated
 * Reply data of telegram.channel.remove. Deprecated: see telegram.bot.channel.remove (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelRemoveReply".
 */
export interface TelegramChannelRemoveReply {}
/**
 * @deprecated
 * Reply data of telegram.channel.send. Deprecated: see telegram.bot.channel.send (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelSendReply".
 */
export interface TelegramChannelSendReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  status: 'queued' | 'sent' | 'failed';
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId?: string;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  sentAt?: string;
  error?: MessageError;
}
/**
 * @deprecated
 * Reply data of telegram.channel.update. Deprecated: see telegram.bot.channel.update (ADR 0020).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "TelegramChannelUpdateReply".
 */
export interface Channel7 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  chatId: string;
  title: string;
  type: 'channel' | 'group';
  username?: string | null;
  via: Via;
  canPost: boolean;
  status: 'active' | 'write_forbidden' | 'error';
  lastCheckedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label: string | null;
}
/**
 * Reply data of webhooks.create.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksCreateReply".
 */
export interface WebhooksCreateReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  url: string;
  /**
   * Routing-key patterns as in AMQP topics: `*` is one word, `#` any number of words.
   *
   * @minItems 1
   * @maxItems 20
   */
  events: [string, ...string[]];
  status: 'active' | 'disabled';
  createdAt: string;
  /**
   * The signing secret (Standard Webhooks `whsec_` form); shown once, in the first answer to the creation.
   */
  secret?: string;
  /**
   * On a replay of the creation (the same Idempotency-Key): the secret was in the first answer only and is not kept anywhere to show again.
   */
  secretShownOnce?: true;
}
/**
 * Reply data of webhooks.deliveries.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksDeliveriesReply".
 */
export interface WebhooksDeliveriesReply {
  items: WebhookDelivery[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhookDelivery".
 */
export interface WebhookDelivery {
  /**
   * Also the `webhook-id` header: the same on every retry.
   */
  id: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  webhookId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: WebhookAttempt[];
  nextAttemptAt: string | null;
  createdAt: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhookAttempt".
 */
export interface WebhookAttempt {
  attempt: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}
/**
 * Reply data of webhooks.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksGetReply".
 */
export interface WebhooksGetReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  url: string;
  /**
   * Routing-key patterns as in AMQP topics: `*` is one word, `#` any number of words.
   *
   * @minItems 1
   * @maxItems 20
   */
  events: [string, ...string[]];
  /**
   * `disabled` once the receiver answered 410 Gone.
   */
  status: 'active' | 'disabled';
  createdAt: string;
}
/**
 * Reply data of webhooks.keys.rotate.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksKeysRotateReply".
 */
export interface WebhooksKeysRotateReply {
  keyName: 'telegram-bots' | 'telegram-sessions' | 'integration-webhooks';
  version: number;
  /**
   * Rows still encrypted with an older version; the rewrap job works them down.
   */
  pendingRows: number;
}
/**
 * Reply data of webhooks.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksListReply".
 */
export interface WebhooksListReply {
  items: Webhook[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "Webhook".
 */
export interface Webhook {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  url: string;
  /**
   * Routing-key patterns as in AMQP topics: `*` is one word, `#` any number of words.
   *
   * @minItems 1
   * @maxItems 20
   */
  events: [string, ...string[]];
  /**
   * `disabled` once the receiver answered 410 Gone.
   */
  status: 'active' | 'disabled';
  createdAt: string;
}
/**
 * Reply data of webhooks.redeliver.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksRedeliverReply".
 */
export interface WebhookDelivery1 {
  /**
   * Also the `webhook-id` header: the same on every retry.
   */
  id: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  webhookId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: WebhookAttempt[];
  nextAttemptAt: string | null;
  createdAt: string;
}
/**
 * Reply data of webhooks.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhooksRemoveReply".
 */
export interface WebhooksRemoveReply {}
/**
 * Reply data of whatsapp.message.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppMessageGetReply".
 */
export interface WhatsAppMessageGetReply {
  /**
   * An opaque id of our own (UUIDv7, or derived from the idempotency key).
   */
  id: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  /**
   * A WhatsApp user's phone number in international form (digits, optionally with a leading +).
   */
  to: string;
  type: 'text' | 'template';
  /**
   * queued: not yet accepted by Meta; accepted: Meta took it (200); sent, delivered, read, failed: as Meta's status webhooks say.
   */
  status: 'queued' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  /**
   * WhatsApp's message id (wamid.…).
   */
  wamid?: string;
  error?: WhatsAppMessageError;
  createdAt: string;
  updatedAt: string;
}
/**
 * Reply data of whatsapp.number.connect.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberConnectReply".
 */
export interface WhatsAppNumberConnectReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * Meta's phone number id (digits).
   */
  phoneNumberId: string;
  /**
   * The number as Meta shows it.
   */
  displayPhoneNumber: string;
  /**
   * The business name Meta verified for the number.
   */
  verifiedName: string;
  /**
   * Meta's quality rating as last read (at connect).
   */
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  /**
   * revoked: Meta refused the access token (code 190); connect the number again.
   */
  status: 'active' | 'revoked';
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label: string | null;
  /**
   * The callback URL subscribed at Meta for this number (its override), or null when Meta was not told one.
   */
  webhookUrl: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}
/**
 * Reply data of whatsapp.number.get.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberGetReply".
 */
export interface WhatsAppNumberGetReply {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * Meta's phone number id (digits).
   */
  phoneNumberId: string;
  /**
   * The number as Meta shows it.
   */
  displayPhoneNumber: string;
  /**
   * The business name Meta verified for the number.
   */
  verifiedName: string;
  /**
   * Meta's quality rating as last read (at connect).
   */
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  /**
   * revoked: Meta refused the access token (code 190); connect the number again.
   */
  status: 'active' | 'revoked';
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label: string | null;
  /**
   * The callback URL subscribed at Meta for this number (its override), or null when Meta was not told one.
   */
  webhookUrl: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}
/**
 * Reply data of whatsapp.number.list.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberListReply".
 */
export interface WhatsAppNumberListReply {
  items: WhatsAppNumber[];
  nextCursor: string | null;
}
/**
 * A WhatsApp Business phone number connected with its system-user access token and app secret (both stored only encrypted, never shown).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumber".
 */
export interface WhatsAppNumber {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * Meta's phone number id (digits).
   */
  phoneNumberId: string;
  /**
   * The number as Meta shows it.
   */
  displayPhoneNumber: string;
  /**
   * The business name Meta verified for the number.
   */
  verifiedName: string;
  /**
   * Meta's quality rating as last read (at connect).
   */
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  /**
   * revoked: Meta refused the access token (code 190); connect the number again.
   */
  status: 'active' | 'revoked';
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label: string | null;
  /**
   * The callback URL subscribed at Meta for this number (its override), or null when Meta was not told one.
   */
  webhookUrl: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}
/**
 * Reply data of whatsapp.number.remove.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberRemoveReply".
 */
export interface WhatsAppNumberRemoveReply {}
/**
 * Reply data of whatsapp.number.send.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberSendReply".
 */
export interface WhatsAppNumberSendReply {
  /**
   * An opaque id of our own (UUIDv7, or derived from the idempotency key).
   */
  id: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  /**
   * A WhatsApp user's phone number in international form (digits, optionally with a leading +).
   */
  to: string;
  type: 'text' | 'template';
  /**
   * queued: not yet accepted by Meta; accepted: Meta took it (200); sent, delivered, read, failed: as Meta's status webhooks say.
   */
  status: 'queued' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  /**
   * WhatsApp's message id (wamid.…).
   */
  wamid?: string;
  error?: WhatsAppMessageError;
  createdAt: string;
  updatedAt: string;
}
/**
 * A WhatsApp Business phone number connected with its system-user access token and app secret (both stored only encrypted, never shown).
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberUpdateReply".
 */
export interface WhatsAppNumber1 {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  /**
   * Meta's phone number id (digits).
   */
  phoneNumberId: string;
  /**
   * The number as Meta shows it.
   */
  displayPhoneNumber: string;
  /**
   * The business name Meta verified for the number.
   */
  verifiedName: string;
  /**
   * Meta's quality rating as last read (at connect).
   */
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  /**
   * revoked: Meta refused the access token (code 190); connect the number again.
   */
  status: 'active' | 'revoked';
  isActive: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label: string | null;
  /**
   * The callback URL subscribed at Meta for this number (its override), or null when Meta was not told one.
   */
  webhookUrl: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "AccountPage".
 */
export interface AccountPage {
  items: Account[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "BotPage".
 */
export interface BotPage {
  items: Bot[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "ChannelPage".
 */
export interface ChannelPage {
  items: Channel[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "Flow".
 */
export interface Flow {
  /**
   * An opaque id of our own (UUIDv7).
   */
  flowId: string;
  method: 'qr' | 'code';
  status: 'awaiting_qr_scan' | 'awaiting_code' | 'awaiting_password' | 'active' | 'failed' | 'expired';
  qr?: FlowQr;
  codeType?: 'app' | 'sms';
  passwordHint?: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  accountId?: string;
  error?: FlowError;
  expiresAt: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "KeyRotation".
 */
export interface KeyRotation {
  keyName: 'telegram-bots' | 'telegram-sessions' | 'integration-webhooks';
  version: number;
  /**
   * Rows still encrypted with an older version; the rewrap job works them down.
   */
  pendingRows: number;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "LogEntryPage".
 */
export interface LogEntryPage {
  items: LogEntry[];
  nextCursor: string | null;
}
/**
 * Messages sent, failed and received per UTC day, platform and resource (integration type), from the audit log. Days with nothing are left out.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "MessageStats".
 */
export interface MessageStats {
  /**
   * The first day counted (UTC).
   */
  from: string;
  /**
   * The last day counted (UTC), today.
   */
  to: string;
  days: {
    date: string;
    /**
     * `<platform>_<resource>`, as in the activity log.
     */
    type: string;
    platform?: string;
    resource?: string;
    sent: number;
    failed: number;
    received: number;
  }[];
  /**
   * Per bot, account and channel over the whole period, busiest first (at most 50). A post to a channel counts for the channel.
   */
  resources?: {
    /**
     * The integration an entry is about: for a message, the channel it went to, else the bot or account.
     */
    resourceType: 'bot' | 'account' | 'channel';
    resourceId: string;
    sent: number;
    failed: number;
    received: number;
  }[];
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "Message".
 */
export interface Message {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  status: 'queued' | 'sent' | 'failed';
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  telegramMessageId?: string;
  /**
   * A Telegram chat id, @username, or +phone of a contact.
   */
  chatId: string;
  sentAt?: string;
  error?: MessageError;
}
/**
 * What one service purged for a deleted platform user.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "UserPurge".
 */
export interface UserPurge {
  /**
   * The platform user's id (a token's sub).
   */
  userId: string;
  service: string;
  /**
   * What was deleted, by kind (0 when a repeated purge found nothing).
   */
  counts: {
    [k: string]: number;
  };
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhookCreated".
 */
export interface WebhookCreated {
  /**
   * An opaque id of our own (UUIDv7).
   */
  id: string;
  url: string;
  /**
   * Routing-key patterns as in AMQP topics: `*` is one word, `#` any number of words.
   *
   * @minItems 1
   * @maxItems 20
   */
  events: [string, ...string[]];
  status: 'active' | 'disabled';
  createdAt: string;
  /**
   * The signing secret (Standard Webhooks `whsec_` form); shown once, in the first answer to the creation.
   */
  secret?: string;
  /**
   * On a replay of the creation (the same Idempotency-Key): the secret was in the first answer only and is not kept anywhere to show again.
   */
  secretShownOnce?: true;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhookDeliveryPage".
 */
export interface WebhookDeliveryPage {
  items: WebhookDelivery[];
  nextCursor: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhookPage".
 */
export interface WebhookPage {
  items: Webhook[];
  nextCursor: string | null;
}
/**
 * A message sent through a WhatsApp number: accepted by Meta, then followed by Meta's status webhooks.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppMessage".
 */
export interface WhatsAppMessage {
  /**
   * An opaque id of our own (UUIDv7, or derived from the idempotency key).
   */
  id: string;
  /**
   * An opaque id of our own (UUIDv7).
   */
  numberId: string;
  /**
   * A WhatsApp user's phone number in international form (digits, optionally with a leading +).
   */
  to: string;
  type: 'text' | 'template';
  /**
   * queued: not yet accepted by Meta; accepted: Meta took it (200); sent, delivered, read, failed: as Meta's status webhooks say.
   */
  status: 'queued' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  /**
   * WhatsApp's message id (wamid.…).
   */
  wamid?: string;
  error?: WhatsAppMessageError;
  createdAt: string;
  updatedAt: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberPage".
 */
export interface WhatsAppNumberPage {
  items: WhatsAppNumber[];
  nextCursor: string | null;
}
/**
 * The query of `GET /telegram/accounts/{id}`.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "AccountGetQuery".
 */
export interface AccountGetQuery {
  /**
   * `phone`: the full phone number too (`fullPhone`), to the account's owner only; audited.
   */
  reveal?: 'phone';
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "AccountSendBody".
 */
export interface AccountSendBody {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  replyToMessageId?: string;
  to: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "BotCreateBody".
 */
export interface BotCreateBody {
  token: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "BotSendBody".
 */
export interface BotSendBody {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  replyToMessageId?: string;
  chatId: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "ChannelAttachBody".
 */
export interface ChannelAttachBody {
  chat: string;
  via: Via;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "ChannelSendBody".
 */
export interface ChannelSendBody {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  replyToMessageId?: string;
}
export interface ConnectQrBody {
  method: 'qr';
}
export interface ConnectCodeBody {
  method: 'code';
  /**
   * E.164 phone number.
   */
  phone: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "FlowCodeBody".
 */
export interface FlowCodeBody {
  code: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "FlowPasswordBody".
 */
export interface FlowPasswordBody {
  password: string;
}
/**
 * A JSON merge patch (RFC 7396) of a bot, account or channel: pause or resume it, name it. Fields left out stay as they are.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "IntegrationPatchBody".
 */
export interface IntegrationPatchBody {
  /**
   * false: paused. A paused bot does not poll (its webhook is removed), a paused account's client is disconnected (the session stays stored), and sends through it or its channels answer 409 INTEGRATION_PAUSED.
   */
  isActive?: boolean;
  /**
   * The user's own name for it (null: none); shown instead of the Telegram name where set.
   */
  label?: string | null;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "KeyRotateBody".
 */
export interface KeyRotateBody {
  /**
   * One key; every key this deployment owns when absent.
   */
  keyName?: 'telegram-bots' | 'telegram-sessions' | 'integration-webhooks';
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "ListQuery".
 */
export interface ListQuery {
  limit: number;
  cursor?: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "LogsQuery".
 */
export interface LogsQuery {
  type?:
    | 'telegram_account'
    | 'telegram_bot'
    | 'telegram_channel'
    | 'whatsapp_number'
    | 'whatsapp_message'
    | 'security';
  /**
   * Only entries of this platform (`telegram`, `security`, ...).
   */
  platform?: string;
  /**
   * Only entries about this kind of resource (`bot`, `account`, `channel`, ...).
   */
  resource?: string;
  action?: string;
  status?: 'success' | 'error' | 'info';
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
  /**
   * Only entries about this bot, account or channel.
   */
  resourceId?: string;
}
/**
 * A list's query: a page (`limit`, `cursor`), narrowed by a search text and a status.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "SearchQuery".
 */
export interface SearchQuery {
  limit: number;
  cursor?: string;
  /**
   * Text to find in names, usernames, titles, masked phones and chat ids (case-insensitive).
   */
  q?: string;
  /**
   * Only items in this status.
   */
  status?: 'active' | 'error' | 'revoked' | 'connecting' | 'write_forbidden';
  /**
   * Only active (true) or paused (false) items.
   */
  isActive?: boolean;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "SendRequest".
 */
export interface SendRequest {
  text: string;
  parseMode?: 'HTML' | 'MarkdownV2';
  disableNotification?: boolean;
  /**
   * A Telegram id as a string (they exceed 2^53).
   */
  replyToMessageId?: string;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "StatsQuery".
 */
export interface StatsQuery {
  /**
   * How many UTC days back, today included.
   */
  days: number;
}
/**
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WebhookCreateBody".
 */
export interface WebhookCreateBody {
  url: string;
  /**
   * Routing-key patterns as in AMQP topics: `*` is one word, `#` any number of words.
   *
   * @minItems 1
   * @maxItems 20
   */
  events: [string, ...string[]];
}
/**
 * POST /api/integrations/whatsapp/numbers: the body is the command whatsapp.number.connect's data.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberCreateBody".
 */
export interface WhatsAppNumberCreateBody {
  /**
   * Meta's phone number id (digits).
   */
  phoneNumberId: string;
  /**
   * A system-user access token that can send for the number.
   */
  accessToken: string;
  /**
   * The app secret Meta signs webhooks with (X-Hub-Signature-256).
   */
  appSecret: string;
  /**
   * The user's own name for it (null: none); shown instead of the WhatsApp name where set.
   */
  label?: string | null;
}
/**
 * A list of WhatsApp numbers: a page (`limit`, `cursor`), narrowed by a search text, a status and paused or not.
 *
 * This interface was referenced by `Contracts`'s JSON-Schema
 * via the `definition` "WhatsAppNumberQuery".
 */
export interface WhatsAppNumberQuery {
  limit: number;
  cursor?: string;
  /**
   * Text to find in display numbers and verified names (case-insensitive).
   */
  q?: string;
  /**
   * Only numbers in this status.
   */
  status?: 'active' | 'revoked';
  /**
   * Only active (true) or paused (false) numbers.
   */
  isActive?: boolean;
}
export interface WhatsAppTextSendBody {
  /**
   * A WhatsApp user's phone number in international form (digits, optionally with a leading +).
   */
  to: string;
  /**
   * A free-form text: only inside the customer's 24-hour window (otherwise failed WHATSAPP_WINDOW_CLOSED).
   */
  text: string;
}
export interface WhatsAppTemplateSendBody {
  /**
   * A WhatsApp user's phone number in international form (digits, optionally with a leading +).
   */
  to: string;
  template: WhatsAppTemplate;
}
