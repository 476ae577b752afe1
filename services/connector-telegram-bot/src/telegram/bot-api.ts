import { autoRetry } from '@grammyjs/auto-retry';
import { Api } from 'grammy';
import type { BotConnectorConfig } from '../config';
import type { BotRow } from '../bots/bots.repository';
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

type Cached = BotApis & { throttle: BotThrottle; tokenEnc: string };

/**
 * grammY clients per bot, cached while the bot is connected, with the stored ciphertext of the token they were
 * made with: a send decrypts the token (a Vault round trip in production) only when that ciphertext changed (the
 * bot was connected again with another token, or its key rotated) or nothing is cached yet. Transformers,
 * innermost first: the breakers around the HTTP call, then the throttle, then auto-retry (which waits out a 429's
 * `retry_after`; a wait longer than 30 s surfaces as TELEGRAM_FLOOD_WAIT instead), then the client span of the
 * call.
 */
export class BotApiFactory {
  private readonly cache = new Map<string, Cached>();

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

  /** The clients of a stored bot; `decrypt` is called only when the cached ones were not made from its token. */
  async forBot(bot: Pick<BotRow, 'id' | 'bot_token_enc'>, decrypt: () => Promise<string>): Promise<BotApis> {
    const cached = this.cache.get(bot.id);
    if (cached?.tokenEnc === bot.bot_token_enc) return cached;
    const token = await decrypt();
    // Looked up again: a concurrent send may have made them meanwhile (one throttle per bot, not two).
    const current = this.cache.get(bot.id);
    if (current?.send.token === token) {
      // The same token under another ciphertext (a rotated key): the clients, and the throttle's state, stay.
      current.tokenEnc = bot.bot_token_enc;
      return current;
    }
    const apis = { ...this.clients(bot.id, token), tokenEnc: bot.bot_token_enc };
    this.cache.set(bot.id, apis);
    return apis;
  }

  private clients(botId: string, token: string): BotApis & { throttle: BotThrottle } {
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
    return { send, query, throttle };
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
