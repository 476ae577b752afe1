// Generated from schemas/ by `pnpm --filter @integrations/contracts run generate`. Do not edit.
import type {
  Account,
  AccountPage,
  AuditLogsQueryCommand,
  AuditStatsQueryCommand,
  Bot,
  BotPage,
  Channel,
  ChannelPage,
  Empty,
  Flow,
  KeyRotation,
  LogEntryPage,
  Message,
  MessageStats,
  PlatformUserDeletedCommand,
  SecurityKeyRewrappedEvent,
  SecurityKeyRotatedEvent,
  SecurityWebhookCreatedEvent,
  SecurityWebhookDisabledEvent,
  SecurityWebhookRemovedEvent,
  TelegramAccountChannelAttachCommand,
  TelegramAccountChannelGetCommand,
  TelegramAccountChannelListCommand,
  TelegramAccountChannelRemoveCommand,
  TelegramAccountChannelSendCommand,
  TelegramAccountChannelUpdateCommand,
  TelegramAccountConnectCommand,
  TelegramAccountConnectedEvent,
  TelegramAccountDisconnectedEvent,
  TelegramAccountFlowCancelCommand,
  TelegramAccountFlowCodeCommand,
  TelegramAccountFlowGetCommand,
  TelegramAccountFlowPasswordCommand,
  TelegramAccountFlowResendCommand,
  TelegramAccountGetCommand,
  TelegramAccountKeysRotateCommand,
  TelegramAccountListCommand,
  TelegramAccountMessageGetCommand,
  TelegramAccountPausedEvent,
  TelegramAccountPhoneRevealedEvent,
  TelegramAccountReconnectCommand,
  TelegramAccountRemoveCommand,
  TelegramAccountResumedEvent,
  TelegramAccountSendCommand,
  TelegramAccountSessionErrorEvent,
  TelegramAccountUpdateCommand,
  TelegramAccountUpdatedEvent,
  TelegramBotChannelAttachCommand,
  TelegramBotChannelGetCommand,
  TelegramBotChannelListCommand,
  TelegramBotChannelRemoveCommand,
  TelegramBotChannelSendCommand,
  TelegramBotChannelUpdateCommand,
  TelegramBotConnectCommand,
  TelegramBotConnectedEvent,
  TelegramBotGetCommand,
  TelegramBotKeysRotateCommand,
  TelegramBotListCommand,
  TelegramBotMessageGetCommand,
  TelegramBotPausedEvent,
  TelegramBotRemoveCommand,
  TelegramBotRemovedEvent,
  TelegramBotResumedEvent,
  TelegramBotSendCommand,
  TelegramBotUpdateCommand,
  TelegramBotUpdatedEvent,
  TelegramBotWebhookCommand,
  TelegramChannelAttachedEvent,
  TelegramChannelPausedEvent,
  TelegramChannelRemovedEvent,
  TelegramChannelResumedEvent,
  TelegramChannelUpdatedEvent,
  TelegramChannelWriteForbiddenEvent,
  TelegramMessageFailedEvent,
  TelegramMessageReceivedEvent,
  TelegramMessageSentEvent,
  UserPurge,
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookPage,
  WebhooksCreateCommand,
  WebhooksDeliveriesCommand,
  WebhooksGetCommand,
  WebhooksKeysRotateCommand,
  WebhooksListCommand,
  WebhooksRedeliverCommand,
  WebhooksRemoveCommand,
  WhatsAppMessage,
  WhatsAppMessageGetCommand,
  WhatsAppMessageReceivedEvent,
  WhatsAppMessageStatusEvent,
  WhatsAppNumber,
  WhatsAppNumberConnectCommand,
  WhatsAppNumberConnectedEvent,
  WhatsAppNumberGetCommand,
  WhatsAppNumberListCommand,
  WhatsAppNumberPage,
  WhatsAppNumberPausedEvent,
  WhatsAppNumberRemoveCommand,
  WhatsAppNumberRemovedEvent,
  WhatsAppNumberResumedEvent,
  WhatsAppNumberSendCommand,
  WhatsAppNumberUpdateCommand,
  WhatsAppNumberUpdatedEvent,
} from './types';

export const COMMAND_TYPES = [
  'audit.logs.query',
  'audit.stats.query',
  'platform.user.deleted',
  'telegram.account.channel.attach',
  'telegram.account.channel.get',
  'telegram.account.channel.list',
  'telegram.account.channel.remove',
  'telegram.account.channel.send',
  'telegram.account.channel.update',
  'telegram.account.connect',
  'telegram.account.flow.cancel',
  'telegram.account.flow.code',
  'telegram.account.flow.get',
  'telegram.account.flow.password',
  'telegram.account.flow.resend',
  'telegram.account.get',
  'telegram.account.keys.rotate',
  'telegram.account.list',
  'telegram.account.message.get',
  'telegram.account.reconnect',
  'telegram.account.remove',
  'telegram.account.send',
  'telegram.account.update',
  'telegram.bot.channel.attach',
  'telegram.bot.channel.get',
  'telegram.bot.channel.list',
  'telegram.bot.channel.remove',
  'telegram.bot.channel.send',
  'telegram.bot.channel.update',
  'telegram.bot.connect',
  'telegram.bot.get',
  'telegram.bot.keys.rotate',
  'telegram.bot.list',
  'telegram.bot.message.get',
  'telegram.bot.remove',
  'telegram.bot.send',
  'telegram.bot.update',
  'telegram.bot.webhook',
  'telegram.channel.attach',
  'telegram.channel.get',
  'telegram.channel.list',
  'telegram.channel.remove',
  'telegram.channel.send',
  'telegram.channel.update',
  'webhooks.create',
  'webhooks.deliveries',
  'webhooks.get',
  'webhooks.keys.rotate',
  'webhooks.list',
  'webhooks.redeliver',
  'webhooks.remove',
  'whatsapp.message.get',
  'whatsapp.number.connect',
  'whatsapp.number.get',
  'whatsapp.number.list',
  'whatsapp.number.remove',
  'whatsapp.number.send',
  'whatsapp.number.update',
] as const;

export type CommandType = (typeof COMMAND_TYPES)[number];

export const EVENT_TYPES = [
  'platform.user.purged',
  'security.key.rewrapped',
  'security.key.rotated',
  'security.webhook.created',
  'security.webhook.disabled',
  'security.webhook.removed',
  'telegram.account.connected',
  'telegram.account.disconnected',
  'telegram.account.paused',
  'telegram.account.phone_revealed',
  'telegram.account.resumed',
  'telegram.account.session_error',
  'telegram.account.updated',
  'telegram.bot.connected',
  'telegram.bot.paused',
  'telegram.bot.removed',
  'telegram.bot.resumed',
  'telegram.bot.updated',
  'telegram.channel.attached',
  'telegram.channel.paused',
  'telegram.channel.removed',
  'telegram.channel.resumed',
  'telegram.channel.updated',
  'telegram.channel.write_forbidden',
  'telegram.message.failed',
  'telegram.message.received',
  'telegram.message.sent',
  'whatsapp.message.received',
  'whatsapp.message.status',
  'whatsapp.number.connected',
  'whatsapp.number.paused',
  'whatsapp.number.removed',
  'whatsapp.number.resumed',
  'whatsapp.number.updated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Deprecated command keys and the key that replaces each: still consumed, no longer published by the api. */

export const DEPRECATED_COMMANDS = {
  'telegram.channel.attach': 'telegram.bot.channel.attach',
  'telegram.channel.get': 'telegram.bot.channel.get',
  'telegram.channel.list': 'telegram.bot.channel.list',
  'telegram.channel.remove': 'telegram.bot.channel.remove',
  'telegram.channel.send': 'telegram.bot.channel.send',
  'telegram.channel.update': 'telegram.bot.channel.update',
} as const satisfies Partial<Record<CommandType, CommandType>>;

export interface CommandDataMap {
  'audit.logs.query': AuditLogsQueryCommand;
  'audit.stats.query': AuditStatsQueryCommand;
  'platform.user.deleted': PlatformUserDeletedCommand;
  'telegram.account.channel.attach': TelegramAccountChannelAttachCommand;
  'telegram.account.channel.get': TelegramAccountChannelGetCommand;
  'telegram.account.channel.list': TelegramAccountChannelListCommand;
  'telegram.account.channel.remove': TelegramAccountChannelRemoveCommand;
  'telegram.account.channel.send': TelegramAccountChannelSendCommand;
  'telegram.account.channel.update': TelegramAccountChannelUpdateCommand;
  'telegram.account.connect': TelegramAccountConnectCommand;
  'telegram.account.flow.cancel': TelegramAccountFlowCancelCommand;
  'telegram.account.flow.code': TelegramAccountFlowCodeCommand;
  'telegram.account.flow.get': TelegramAccountFlowGetCommand;
  'telegram.account.flow.password': TelegramAccountFlowPasswordCommand;
  'telegram.account.flow.resend': TelegramAccountFlowResendCommand;
  'telegram.account.get': TelegramAccountGetCommand;
  'telegram.account.keys.rotate': TelegramAccountKeysRotateCommand;
  'telegram.account.list': TelegramAccountListCommand;
  'telegram.account.message.get': TelegramAccountMessageGetCommand;
  'telegram.account.reconnect': TelegramAccountReconnectCommand;
  'telegram.account.remove': TelegramAccountRemoveCommand;
  'telegram.account.send': TelegramAccountSendCommand;
  'telegram.account.update': TelegramAccountUpdateCommand;
  'telegram.bot.channel.attach': TelegramBotChannelAttachCommand;
  'telegram.bot.channel.get': TelegramBotChannelGetCommand;
  'telegram.bot.channel.list': TelegramBotChannelListCommand;
  'telegram.bot.channel.remove': TelegramBotChannelRemoveCommand;
  'telegram.bot.channel.send': TelegramBotChannelSendCommand;
  'telegram.bot.channel.update': TelegramBotChannelUpdateCommand;
  'telegram.bot.connect': TelegramBotConnectCommand;
  'telegram.bot.get': TelegramBotGetCommand;
  'telegram.bot.keys.rotate': TelegramBotKeysRotateCommand;
  'telegram.bot.list': TelegramBotListCommand;
  'telegram.bot.message.get': TelegramBotMessageGetCommand;
  'telegram.bot.remove': TelegramBotRemoveCommand;
  'telegram.bot.send': TelegramBotSendCommand;
  'telegram.bot.update': TelegramBotUpdateCommand;
  'telegram.bot.webhook': TelegramBotWebhookCommand;
  'telegram.channel.attach': TelegramBotChannelAttachCommand;
  'telegram.channel.get': TelegramBotChannelGetCommand;
  'telegram.channel.list': TelegramBotChannelListCommand;
  'telegram.channel.remove': TelegramBotChannelRemoveCommand;
  'telegram.channel.send': TelegramBotChannelSendCommand;
  'telegram.channel.update': TelegramBotChannelUpdateCommand;
  'webhooks.create': WebhooksCreateCommand;
  'webhooks.deliveries': WebhooksDeliveriesCommand;
  'webhooks.get': WebhooksGetCommand;
  'webhooks.keys.rotate': WebhooksKeysRotateCommand;
  'webhooks.list': WebhooksListCommand;
  'webhooks.redeliver': WebhooksRedeliverCommand;
  'webhooks.remove': WebhooksRemoveCommand;
  'whatsapp.message.get': WhatsAppMessageGetCommand;
  'whatsapp.number.connect': WhatsAppNumberConnectCommand;
  'whatsapp.number.get': WhatsAppNumberGetCommand;
  'whatsapp.number.list': WhatsAppNumberListCommand;
  'whatsapp.number.remove': WhatsAppNumberRemoveCommand;
  'whatsapp.number.send': WhatsAppNumberSendCommand;
  'whatsapp.number.update': WhatsAppNumberUpdateCommand;
}

export interface ReplyDataMap {
  'audit.logs.query': LogEntryPage;
  'audit.stats.query': MessageStats;
  'platform.user.deleted': UserPurge;
  'telegram.account.channel.attach': Channel;
  'telegram.account.channel.get': Channel;
  'telegram.account.channel.list': ChannelPage;
  'telegram.account.channel.remove': Empty;
  'telegram.account.channel.send': Message;
  'telegram.account.channel.update': Channel;
  'telegram.account.connect': Flow;
  'telegram.account.flow.cancel': Empty;
  'telegram.account.flow.code': Flow;
  'telegram.account.flow.get': Flow;
  'telegram.account.flow.password': Flow;
  'telegram.account.flow.resend': Flow;
  'telegram.account.get': Account;
  'telegram.account.keys.rotate': KeyRotation;
  'telegram.account.list': AccountPage;
  'telegram.account.message.get': Message;
  'telegram.account.reconnect': Account;
  'telegram.account.remove': Empty;
  'telegram.account.send': Message;
  'telegram.account.update': Account;
  'telegram.bot.channel.attach': Channel;
  'telegram.bot.channel.get': Channel;
  'telegram.bot.channel.list': ChannelPage;
  'telegram.bot.channel.remove': Empty;
  'telegram.bot.channel.send': Message;
  'telegram.bot.channel.update': Channel;
  'telegram.bot.connect': Bot;
  'telegram.bot.get': Bot;
  'telegram.bot.keys.rotate': KeyRotation;
  'telegram.bot.list': BotPage;
  'telegram.bot.message.get': Message;
  'telegram.bot.remove': Empty;
  'telegram.bot.send': Message;
  'telegram.bot.update': Bot;
  'telegram.bot.webhook': Empty;
  'telegram.channel.attach': Channel;
  'telegram.channel.get': Channel;
  'telegram.channel.list': ChannelPage;
  'telegram.channel.remove': Empty;
  'telegram.channel.send': Message;
  'telegram.channel.update': Channel;
  'webhooks.create': WebhookCreated;
  'webhooks.deliveries': WebhookDeliveryPage;
  'webhooks.get': Webhook;
  'webhooks.keys.rotate': KeyRotation;
  'webhooks.list': WebhookPage;
  'webhooks.redeliver': WebhookDelivery;
  'webhooks.remove': Empty;
  'whatsapp.message.get': WhatsAppMessage;
  'whatsapp.number.connect': WhatsAppNumber;
  'whatsapp.number.get': WhatsAppNumber;
  'whatsapp.number.list': WhatsAppNumberPage;
  'whatsapp.number.remove': Empty;
  'whatsapp.number.send': WhatsAppMessage;
  'whatsapp.number.update': WhatsAppNumber;
}

export interface EventDataMap {
  'platform.user.purged': UserPurge;
  'security.key.rewrapped': SecurityKeyRewrappedEvent;
  'security.key.rotated': SecurityKeyRotatedEvent;
  'security.webhook.created': SecurityWebhookCreatedEvent;
  'security.webhook.disabled': SecurityWebhookDisabledEvent;
  'security.webhook.removed': SecurityWebhookRemovedEvent;
  'telegram.account.connected': TelegramAccountConnectedEvent;
  'telegram.account.disconnected': TelegramAccountDisconnectedEvent;
  'telegram.account.paused': TelegramAccountPausedEvent;
  'telegram.account.phone_revealed': TelegramAccountPhoneRevealedEvent;
  'telegram.account.resumed': TelegramAccountResumedEvent;
  'telegram.account.session_error': TelegramAccountSessionErrorEvent;
  'telegram.account.updated': TelegramAccountUpdatedEvent;
  'telegram.bot.connected': TelegramBotConnectedEvent;
  'telegram.bot.paused': TelegramBotPausedEvent;
  'telegram.bot.removed': TelegramBotRemovedEvent;
  'telegram.bot.resumed': TelegramBotResumedEvent;
  'telegram.bot.updated': TelegramBotUpdatedEvent;
  'telegram.channel.attached': TelegramChannelAttachedEvent;
  'telegram.channel.paused': TelegramChannelPausedEvent;
  'telegram.channel.removed': TelegramChannelRemovedEvent;
  'telegram.channel.resumed': TelegramChannelResumedEvent;
  'telegram.channel.updated': TelegramChannelUpdatedEvent;
  'telegram.channel.write_forbidden': TelegramChannelWriteForbiddenEvent;
  'telegram.message.failed': TelegramMessageFailedEvent;
  'telegram.message.received': TelegramMessageReceivedEvent;
  'telegram.message.sent': TelegramMessageSentEvent;
  'whatsapp.message.received': WhatsAppMessageReceivedEvent;
  'whatsapp.message.status': WhatsAppMessageStatusEvent;
  'whatsapp.number.connected': WhatsAppNumberConnectedEvent;
  'whatsapp.number.paused': WhatsAppNumberPausedEvent;
  'whatsapp.number.removed': WhatsAppNumberRemovedEvent;
  'whatsapp.number.resumed': WhatsAppNumberResumedEvent;
  'whatsapp.number.updated': WhatsAppNumberUpdatedEvent;
}

export const REST_BODIES = [
  'account-get-query',
  'account-send',
  'bot-create',
  'bot-send',
  'channel-attach',
  'channel-send',
  'connect',
  'flow-code',
  'flow-password',
  'integration-patch',
  'key-rotate',
  'list-query',
  'logs-query',
  'search-query',
  'send-request',
  'stats-query',
  'telegram-update',
  'webhook-create',
  'whatsapp-number-create',
  'whatsapp-number-query',
  'whatsapp-send',
] as const;

export type RestBodyName = (typeof REST_BODIES)[number];
