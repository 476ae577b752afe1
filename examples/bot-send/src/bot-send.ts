import {
  IntegrationError,
  connect,
  type EventDataMap,
  type IntegrationsClient,
  type Message,
} from '@integrations/client';

type Sent = EventDataMap['telegram.message.sent'];

export interface BotSendOptions {
  /** The Integration Service's broker (the platform's RabbitMQ vhost). */
  amqpUrl: string;
  /** The platform user the bot belongs to. */
  userId: string;
  /** The bot's token from @BotFather (or the emulator). */
  botToken: string;
  /** A chat the bot is a member of. */
  chatId: string;
  text: string;
  /** How long to wait for `telegram.message.sent` (default 30 s). */
  eventTimeoutMs?: number;
}

export interface BotSendResult {
  botId: string;
  /** The reply of `telegram.bot.send`. */
  message: Message;
  /** The event that confirmed it. */
  sent: Sent;
}

/**
 * The whole example: connect a bot, send a message through it, and wait for the `telegram.message.sent` event
 * of that message. Everything goes through `@integrations/client` (see the AsyncAPI page at /api/docs/asyncapi).
 */
export async function botSend(options: BotSendOptions): Promise<BotSendResult> {
  const client = await connect(options.amqpUrl, { service: 'example-bot-send' });
  try {
    // Subscribed before sending, so the event cannot pass by unseen; the queue is durable and our own.
    const events = sentEvents(client);
    await events.ready;
    const bot = await client.request(
      'telegram.bot.connect',
      { token: options.botToken },
      { userId: options.userId },
    );
    const message = await client.request(
      'telegram.bot.send',
      { botId: bot.id, chatId: options.chatId, text: options.text },
      // The same key again would be answered with this message instead of a second send.
      { userId: options.userId, idempotencyKey: `example-${bot.id}-${options.text.length}-${Date.now()}` },
    );
    const sent = await events.of(message.id, options.eventTimeoutMs ?? 30_000);
    return { botId: bot.id, message, sent };
  } catch (error) {
    if (error instanceof IntegrationError) {
      // A stable code to act on: TELEGRAM_TOKEN_INVALID, TELEGRAM_CHAT_NOT_FOUND, TELEGRAM_FLOOD_WAIT (retryAfter)...
      throw new Error(`${error.command} failed: ${error.code} (${error.status}): ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    await client.close();
  }
}

/** `telegram.message.sent` events by message id, kept until asked for (an event may come before the reply). */
function sentEvents(client: IntegrationsClient) {
  const seen = new Map<string, Sent>();
  const waiting = new Map<string, (event: Sent) => void>();
  const ready = client.on('telegram.message.sent', (data) => {
    const waiter = waiting.get(data.messageId);
    if (waiter) waiter(data);
    else seen.set(data.messageId, data);
  });
  return {
    ready,
    of(messageId: string, timeoutMs: number): Promise<Sent> {
      const early = seen.get(messageId);
      if (early) return Promise.resolve(early);
      return new Promise<Sent>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(messageId);
          reject(new Error(`no telegram.message.sent for ${messageId} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(messageId, (event) => {
          clearTimeout(timer);
          waiting.delete(messageId);
          resolve(event);
        });
      });
    },
  };
}
