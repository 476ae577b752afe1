import type { BreakerSet } from '@integrations/connector-kit';
import type { Transformer } from 'grammy';

/** A failure as far as the breakers are concerned: Telegram (or the path to it) is broken, not the request. */
class UpstreamFailure extends Error {
  constructor(readonly result: unknown) {
    super('Telegram answered a server error');
  }
}

/**
 * Every Bot API call of a bot through the connector's breakers (the bot's own and the Bot API's as a whole).
 * Network failures, timeouts and 5xx count; a 400 or 403 is an answer about the request, and a 429 is handled
 * by the throttle and auto-retry, so those are handed back to grammY as Telegram's answer.
 */
export function breakerTransformer(
  breakers: BreakerSet,
  botId: string,
  /** For long polls, which legitimately wait longer than any other call. */
  timeoutMs?: number,
): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      return await breakers.call(
        botId,
        async () => {
          const result = await prev(method, payload, signal);
          if (!result.ok && result.error_code >= 500) throw new UpstreamFailure(result);
          return result;
        },
        timeoutMs === undefined ? {} : { timeoutMs },
      );
    } catch (error) {
      if (error instanceof UpstreamFailure) return error.result as Awaited<ReturnType<typeof prev>>;
      throw error;
    }
  };
}
