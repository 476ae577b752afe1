import type { Transformer } from 'grammy';
import type { RateRule } from '../config';

/** At most `count` events in any `windowMs`: how long to wait before the next one may happen. */
export class SlidingWindow {
  private readonly times: number[] = [];

  constructor(private readonly rule: RateRule) {}

  wait(now: number): number {
    if (this.rule.count <= 0 || this.rule.windowMs <= 0) return 0;
    while (this.times.length > 0 && this.times[0]! <= now - this.rule.windowMs) this.times.shift();
    return this.times.length < this.rule.count ? 0 : this.times[0]! + this.rule.windowMs - now;
  }

  take(now: number): void {
    if (this.rule.count > 0 && this.rule.windowMs > 0) this.times.push(now);
  }
}

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface ChatQueue {
  window: SlidingWindow;
  jobs: Job[];
  busy: boolean;
  timer: NodeJS.Timeout | undefined;
}

export interface ThrottleLimits {
  perBot: RateRule;
  perChatMinMs: number;
  perGroup: RateRule;
}

/**
 * Keeps one bot inside Telegram's flood limits (about 30 messages a second overall, one a second per private
 * chat, 20 a minute per group or channel) by queueing, not refusing: each chat has a FIFO queue sent one request
 * at a time, in order, as soon as both its own window and the bot's window allow. Written here rather than on
 * bottleneck, whose scheduling added about 10 ms to every call (measured against the emulator).
 */
export class BotThrottle {
  private readonly global: SlidingWindow;
  private readonly chats = new Map<string, ChatQueue>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.global = new SlidingWindow(limits.perBot);
  }

  run<T>(chatId: string, job: () => Promise<T>): Promise<T> {
    let queue = this.chats.get(chatId);
    if (!queue) {
      // Negative ids are groups, supergroups and channels; a bot addresses only those by @username.
      const group = chatId.startsWith('-') || chatId.startsWith('@');
      const rule = group ? this.limits.perGroup : { count: 1, windowMs: this.limits.perChatMinMs };
      queue = { window: new SlidingWindow(rule), jobs: [], busy: false, timer: undefined };
      this.chats.set(chatId, queue);
    }
    const target = queue;
    return new Promise<T>((resolve, reject) => {
      target.jobs.push({ run: job, resolve: resolve as (value: unknown) => void, reject });
      this.pump(chatId, target);
    });
  }

  /** Queued requests right now, for tests and metrics. */
  get queued(): number {
    let total = 0;
    for (const queue of this.chats.values()) total += queue.jobs.length;
    return total;
  }

  transformer(): Transformer {
    return (prev, method, payload, signal) => {
      const chatId =
        payload && typeof payload === 'object' && 'chat_id' in payload ? String(payload.chat_id) : undefined;
      return chatId === undefined
        ? prev(method, payload, signal)
        : this.run(chatId, () => prev(method, payload, signal));
    };
  }

  private pump(chatId: string, queue: ChatQueue): void {
    if (queue.busy || queue.timer || queue.jobs.length === 0) return;
    const now = this.now();
    const wait = Math.max(this.global.wait(now), queue.window.wait(now));
    if (wait > 0) {
      queue.timer = setTimeout(() => {
        queue.timer = undefined;
        this.pump(chatId, queue);
      }, wait);
      return;
    }
    this.global.take(now);
    queue.window.take(now);
    const job = queue.jobs.shift()!;
    queue.busy = true;
    job
      .run()
      .then(job.resolve, job.reject)
      .finally(() => {
        queue.busy = false;
        if (queue.jobs.length > 0) return this.pump(chatId, queue);
        // Idle: forget the chat once its window has passed (a new job meanwhile waits for the same moment).
        const idle = queue.window.wait(this.now());
        if (idle === 0) {
          this.chats.delete(chatId);
          return;
        }
        queue.timer = setTimeout(() => {
          queue.timer = undefined;
          if (queue.jobs.length === 0 && !queue.busy) this.chats.delete(chatId);
          else this.pump(chatId, queue);
        }, idle);
        queue.timer.unref();
      });
  }
}
