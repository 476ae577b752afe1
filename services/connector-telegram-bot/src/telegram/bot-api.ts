import { autoRetry } from '@grammyjs/auto-retry';
import { Api } from 'grammy';
import type { BotConnectorConfig } from '../config';
import type { BreakerSet } from '@integrations/connector-kit';
import { breakerTransformer } from './breaker-transformer';
import { BotThrottle } from './throttle';
import { tracingTransformer } from './tracing-transformer';

export interface BotApis {
  /** Sends: throttled to Telegram's limits, so a burst queues instead of being refused. */
  send: Api;
  /** Reads (getChat, getChatMember, getUpdates): not throttled, so attaching a channel is quick. */
  query: Api;
}

/**
 * grammY clients per bot, cached while the bot is connected. Transformers, innermost first: the breakers
 * around the HTTP call, then the throttle, then auto-retry (which waits out a 429's `retry_after`; a wait longer
 * than 30 s surfaces as TELEGRAM_FLOOD_WAIT instead), then the client span of the call.
 */
export class BotApiFactory {
  private readonly cache = new Map<string, BotApis & { throttle: BotThrottle }>();

  constructor(
    private readonly config: BotConnectorConfig,
    private readonly breakers: BreakerSet,
  ) {}

  /** A client for a token that is not stored yet (connecting checks it with getMe). */
  unstored(token: string): Api {
    const api = new Api(token, { apiRoot: this.config.botApiUrl });
    api.config.use(
      autoRetry({
        maxRetryAttempts: 2,
        maxDelaySeconds: 5,
        rethrowInternalServerErrors: true,
        rethrowHttpErrors: true,
      }),
    );
    api.config.use(tracingTransformer(undefined));
    return api;
  }

  forBot(botId: string, token: string): BotApis {
    let apis = this.cache.get(botId);
    if (!apis) {
      const send = new Api(token, { apiRoot: this.config.botApiUrl });
      send.config.use(breakerTransformer(this.breakers, botId));
      const throttle = new BotThrottle(this.config.limits);
      send.config.use(throttle.transformer());
      // Only a 429 is retried: it says the message was not sent. A 5xx or a broken connection leaves it unknown
      // whether Telegram delivered it, and retrying could send it twice.
      send.config.use(
        autoRetry({
          maxRetryAttempts: 3,
          maxDelaySeconds: 30,
          rethrowInternalServerErrors: true,
          rethrowHttpErrors: true,
        }),
      );
      send.config.use(tracingTransformer(botId));
      const query = new Api(token, { apiRoot: this.config.botApiUrl });
      query.config.use(breakerTransformer(this.breakers, botId));
      query.config.use(
        autoRetry({
          maxRetryAttempts: 2,
          maxDelaySeconds: 5,
          rethrowInternalServerErrors: true,
          rethrowHttpErrors: true,
        }),
      );
      query.config.use(tracingTransformer(botId));
      apis = { send, query, throttle };
      this.cache.set(botId, apis);
    }
    return apis;
  }

  /** Sends waiting for Telegram's limits, across all bots of this replica. */
  queued(): number {
    let total = 0;
    for (const { throttle } of this.cache.values()) total += throttle.queued;
    return total;
  }

  forget(botId: string): void {
    this.cache.delete(botId);
    this.breakers.forget(botId);
  }
}
