import type { BreakerSet } from '@integrations/connector-kit';
import type { Messaging } from '@integrations/messaging';
import type { Logger } from '@integrations/observability';
import type { OutboxRelay } from '@integrations/persistence';
import { Api, GrammyError } from 'grammy';
import type { Message, Update } from 'grammy/types';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { BotsService } from '../bots/bots.service';
import type { Bots } from '../bots/bots.repository';
import { breakerTransformer } from '../telegram/breaker-transformer';

const LEASE_MS = 20_000;
const SCAN_MS = 3_000;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Long polling for bots without a webhook, exactly one poller per Telegram bot across all replicas: a Redis
 * lease (renewed while polling, released on stop, expiring if the replica dies) decides who polls. Each message
 * becomes `telegram.message.received` for every platform user who connected that bot, through the outbox, and
 * the offset advances in the same transaction, so an update is neither lost nor published twice.
 */
export class UpdatesPoller {
  private readonly owner = randomUUID();
  private readonly running = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      botRows: Pick<Bots, 'polledBotIds' | 'pollable' | 'polled'>;
      redis: Redis;
      redisPrefix: string;
      bots: BotsService;
      botApiUrl: string;
      messaging: Messaging;
      relay: OutboxRelay;
      logger: Logger;
      pollTimeoutSeconds: number;
      /** Long polls go through the bot's breaker too, bounded by the poll timeout plus this. */
      breakers: BreakerSet;
      callTimeoutMs: number;
    },
  ) {}

  start(): void {
    const tick = () =>
      void this.scan().catch((error: unknown) => this.deps.logger.warn('poller scan failed', { error }));
    tick();
    this.timer = setInterval(tick, SCAN_MS);
  }

  /** Called after a bot is connected, so its first messages do not wait for the next scan. */
  nudge(): void {
    void this.scan().catch(() => undefined);
  }

  /**
   * Called after a bot is paused or resumed here: the long poll of a bot with no active row left ends now (not
   * after its timeout), and a resumed one is picked up at once. Another replica's poll ends by its next round.
   */
  async refresh(): Promise<void> {
    const polled = new Set(await this.deps.botRows.polledBotIds());
    for (const [telegramBotId, controller] of this.running)
      if (!polled.has(telegramBotId)) controller.abort();
    await this.scan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const [telegramBotId, controller] of this.running) {
      controller.abort();
      await this.deps.redis.eval(RELEASE, 1, this.key(telegramBotId), this.owner);
    }
    this.running.clear();
  }

  private key(telegramBotId: string): string {
    return `${this.deps.redisPrefix}poller:${telegramBotId}`;
  }

  private async scan(): Promise<void> {
    if (this.stopped) return;
    const bots = await this.deps.botRows.polledBotIds();
    for (const telegramBotId of bots) {
      if (this.running.has(telegramBotId) || this.stopped) continue;
      const acquired = await this.deps.redis.set(this.key(telegramBotId), this.owner, 'PX', LEASE_MS, 'NX');
      if (acquired !== 'OK') continue;
      const controller = new AbortController();
      this.running.set(telegramBotId, controller);
      void this.poll(telegramBotId, controller.signal)
        .catch((error: unknown) => this.deps.logger.warn('polling stopped', { telegramBotId, error }))
        .finally(() => {
          this.running.delete(telegramBotId);
          void this.deps.redis.eval(RELEASE, 1, this.key(telegramBotId), this.owner).catch(() => undefined);
        });
    }
  }

  private async poll(telegramBotId: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const renewed = await this.deps.redis.eval(
        RENEW,
        1,
        this.key(telegramBotId),
        this.owner,
        String(LEASE_MS),
      );
      if (renewed !== 1) return; // another replica took over
      const rows = await this.deps.botRows.pollable(telegramBotId);
      const first = rows[0];
      if (!first) return;
      const api = new Api(await this.deps.bots.tokenOf(first), { apiRoot: this.deps.botApiUrl });
      const { breakers, pollTimeoutSeconds, callTimeoutMs } = this.deps;
      api.config.use(breakerTransformer(breakers, first.id, pollTimeoutSeconds * 1000 + callTimeoutMs));
      const offset = Math.max(...rows.map((r) => Number(r.updates_offset)));
      let updates: Update[];
      // grammY types its signal as the abort-controller polyfill's; at run time Node's own AbortSignal is used.
      const grammySignal = signal as unknown as Parameters<Api['getUpdates']>[1];
      try {
        updates = await api.getUpdates(
          { offset, timeout: this.deps.pollTimeoutSeconds, allowed_updates: ['message', 'channel_post'] },
          grammySignal,
        );
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof GrammyError && error.error_code === 401) {
          for (const row of rows) await this.deps.bots.markRevoked(row);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (updates.length === 0) continue;
      await this.publish(rows, updates);
    }
  }

  private async publish(rows: { id: string; user_id: string }[], updates: Update[]): Promise<void> {
    const next = String(Math.max(...updates.map((u) => u.update_id)) + 1);
    const events = updates.flatMap((update) => {
      const message = update.message ?? update.channel_post;
      if (!message) return [];
      return rows.map((row) =>
        this.deps.messaging.makeEnvelope('telegram.message.received', receivedData(row, message), {
          userId: row.user_id,
        }),
      );
    });
    await this.deps.botRows.polled(
      rows.map((r) => r.id),
      events,
      next,
    );
    this.deps.relay.kick();
  }
}

/** The data of `telegram.message.received` for one platform user who connected the bot. */
export function receivedData(row: { id: string; user_id: string }, message: Message) {
  const sender = message.from
    ? { id: String(message.from.id), username: message.from.username ?? null }
    : { id: String(message.sender_chat?.id ?? message.chat.id), username: null };
  return {
    userId: row.user_id,
    via: { type: 'bot' as const, id: row.id },
    chatId: String(message.chat.id),
    telegramMessageId: String(message.message_id),
    from: sender,
    ...(message.text ? { text: message.text.slice(0, 4096) } : {}),
    date: new Date(message.date * 1000).toISOString(),
  };
}
