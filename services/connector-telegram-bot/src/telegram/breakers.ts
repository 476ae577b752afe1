import { telegramMetrics, type Logger, type Registry } from '@integrations/observability';
import CircuitBreaker from 'opossum';
import type { Transformer } from 'grammy';

type RawCall = () => Promise<unknown>;

/** A failure as far as the breaker is concerned: Telegram (or the path to it) is broken, not the request. */
class UpstreamFailure extends Error {
  constructor(readonly result: unknown) {
    super('Telegram answered a server error');
  }
}

const STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

/**
 * One opossum breaker per bot and one for the Bot API as a whole. Only network failures, timeouts and 5xx count:
 * a 400 or 403 is an answer about the request, and a 429 is handled by the throttle and auto-retry.
 */
export class Breakers {
  private readonly perBot = new Map<string, CircuitBreaker<[RawCall], unknown>>();
  private readonly global: CircuitBreaker<[RawCall], unknown>;

  constructor(
    private readonly options: { resetMs: number; registry: Registry; logger: Logger; timeoutMs?: number },
  ) {
    this.global = this.create('bot-api', 20);
  }

  transformer(botId: string): Transformer {
    return async (prev, method, payload, signal) => {
      const call: RawCall = async () => {
        const result = await prev(method, payload, signal);
        if (!result.ok && result.error_code >= 500) throw new UpstreamFailure(result);
        return result;
      };
      try {
        return (await this.global.fire(() => this.forBot(botId).fire(call))) as Awaited<
          ReturnType<typeof prev>
        >;
      } catch (error) {
        if (error instanceof UpstreamFailure) return error.result as Awaited<ReturnType<typeof prev>>;
        throw error;
      }
    };
  }

  isOpen(botId: string): boolean {
    return this.global.opened || (this.perBot.get(botId)?.opened ?? false);
  }

  forget(botId: string): void {
    this.perBot.get(botId)?.shutdown();
    this.perBot.delete(botId);
  }

  shutdown(): void {
    for (const breaker of this.perBot.values()) breaker.shutdown();
    this.global.shutdown();
  }

  private forBot(botId: string): CircuitBreaker<[RawCall], unknown> {
    let breaker = this.perBot.get(botId);
    if (!breaker) {
      breaker = this.create(`bot:${botId}`, 5);
      this.perBot.set(botId, breaker);
    }
    return breaker;
  }

  private create(name: string, volumeThreshold: number): CircuitBreaker<[RawCall], unknown> {
    const breaker = new CircuitBreaker((call: RawCall) => call(), {
      name,
      timeout: this.options.timeoutMs ?? 15_000,
      errorThresholdPercentage: 50,
      resetTimeout: this.options.resetMs,
      rollingCountTimeout: 10_000,
      volumeThreshold,
    });
    const gauge = telegramMetrics(this.options.registry).breakerState;
    gauge.set({ breaker: name }, STATE.closed);
    breaker.on('open', () => {
      gauge.set({ breaker: name }, STATE.open);
      this.options.logger.warn('circuit breaker opened', { breaker: name });
    });
    breaker.on('halfOpen', () => gauge.set({ breaker: name }, STATE.halfOpen));
    breaker.on('close', () => {
      gauge.set({ breaker: name }, STATE.closed);
      this.options.logger.info('circuit breaker closed', { breaker: name });
    });
    return breaker;
  }
}
