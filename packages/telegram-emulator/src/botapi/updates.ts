import type { Bot, Chat, Message, World } from '../world';
import { participantKey } from '../world';
import { conflict } from './errors';
import { apiMessage } from './serialize';

export interface Update {
  update_id: number;
  [kind: string]: unknown;
}

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
  ipAddress?: string;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

export interface UpdateHubOptions {
  /** First wait after a failed webhook delivery; doubles per attempt up to `webhookMaxDelayMs`. */
  webhookRetryMs?: number;
  webhookMaxDelayMs?: number;
  /** After this many failed attempts the update is dropped, as Telegram gives up eventually. */
  webhookMaxAttempts?: number;
  webhookTimeoutMs?: number;
  /** Updates kept per bot until confirmed (Telegram keeps them 24 hours). */
  maxPendingUpdates?: number;
  /**
   * Runs a method that a webhook answer carries (`{method, ...params}` in the response body), as Telegram
   * does for "reply in the webhook response".
   */
  runWebhookReply?: (bot: Bot, method: string, params: Record<string, unknown>) => Promise<void>;
}

/** What the state file keeps of a bot's updates: the next update id (offsets go on), what is unconfirmed, its webhook. */
export interface SavedBotUpdates {
  nextId: number;
  pending: Update[];
  webhook?: WebhookConfig;
}

interface Waiter {
  resolve: (updates: Update[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  limit: number;
  allowed?: string[];
}

/** The update queue of one bot: pending updates, at most one long poll, or a webhook delivering them. */
class BotUpdates {
  pending: Update[] = [];
  nextId = 1;
  waiter?: Waiter;
  webhook?: WebhookConfig;
  delivering = false;
  retryTimer?: NodeJS.Timeout;
  attempts = 0;
}

const ALL_KINDS = ['message', 'channel_post'];

/**
 * Turns world messages into Bot API updates for the bots that should see them, and hands them out by long
 * polling (`getUpdates`) or by webhook POSTs. Bots never see messages sent by bots, like on Telegram.
 */
export class UpdateHub {
  private readonly bots = new Map<number, BotUpdates>();
  private readonly options: Required<Omit<UpdateHubOptions, 'runWebhookReply'>> &
    Pick<UpdateHubOptions, 'runWebhookReply'>;
  private stopped = false;
  private readonly onMessage = (event: { chat: Chat; message: Message }): void =>
    this.route(event.chat, event.message);
  private readonly onReset = (): void => this.clearAll();
  private readonly onRevoked = ({ bot }: { bot: Bot }): void => this.forget(bot.id);

  /** Told when a webhook is set or deleted (updates change with world messages, which save anyway). */
  onChange: () => void = () => undefined;

  constructor(
    private readonly world: World,
    options: UpdateHubOptions = {},
  ) {
    this.options = {
      webhookRetryMs: options.webhookRetryMs ?? 1000,
      webhookMaxDelayMs: options.webhookMaxDelayMs ?? 60_000,
      webhookMaxAttempts: options.webhookMaxAttempts ?? 10,
      webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
      maxPendingUpdates: options.maxPendingUpdates ?? 10_000,
      runWebhookReply: options.runWebhookReply,
    };
    world.on('message', this.onMessage);
    world.on('reset', this.onReset);
    world.on('botRevoked', this.onRevoked);
  }

  snapshot(): Record<string, SavedBotUpdates> {
    return Object.fromEntries(
      [...this.bots].map(([botId, state]) => [
        String(botId),
        {
          nextId: state.nextId,
          pending: state.pending,
          ...(state.webhook ? { webhook: state.webhook } : {}),
        },
      ]),
    );
  }

  /** Takes a saved state back (on start); webhooks with pending updates start delivering. */
  restore(saved: Record<string, SavedBotUpdates>): void {
    for (const [botId, entry] of Object.entries(saved)) {
      const state = this.state(Number(botId));
      state.nextId = entry.nextId;
      state.pending = entry.pending;
      state.webhook = entry.webhook;
      if (state.webhook !== undefined) this.deliver(Number(botId), state);
    }
  }

  private state(botId: number): BotUpdates {
    let state = this.bots.get(botId);
    if (state === undefined) {
      state = new BotUpdates();
      this.bots.set(botId, state);
    }
    return state;
  }

  private route(chat: Chat, message: Message): void {
    if (message.from.type !== 'user') return;
    const kind = chat.type === 'channel' ? 'channel_post' : 'message';
    for (const member of chat.members.values()) {
      if (member.ref.type !== 'bot') continue;
      if (member.role === 'left' || member.role === 'kicked') continue;
      if (participantKey(member.ref) === participantKey(message.from)) continue;
      this.push(member.ref.id, kind, apiMessage(this.world, chat, message));
    }
  }

  /** Queues an update for a bot and wakes its long poll or its webhook. */
  push(botId: number, kind: string, payload: unknown): void {
    if (this.stopped) return;
    const state = this.state(botId);
    const allowed = state.webhook?.allowedUpdates;
    if (allowed !== undefined && allowed.length > 0 && !allowed.includes(kind)) return;
    const update: Update = { update_id: state.nextId, [kind]: payload };
    state.nextId += 1;
    state.pending.push(update);
    if (state.pending.length > this.options.maxPendingUpdates) state.pending.shift();
    if (state.webhook !== undefined) {
      this.deliver(botId, state);
      return;
    }
    const waiter = state.waiter;
    if (waiter !== undefined) {
      const ready = select(state.pending, waiter.limit, waiter.allowed);
      if (ready.length > 0) {
        clearTimeout(waiter.timer);
        state.waiter = undefined;
        waiter.resolve(ready);
      }
    }
  }

  /**
   * `getUpdates`: confirms updates below `offset`, then answers what is pending, or waits up to `timeout`
   * seconds for the first one. A newer poll ends an older one with 409, as on Telegram.
   */
  getUpdates(
    botId: number,
    offset: number | undefined,
    limit: number,
    timeout: number,
    allowed?: string[],
  ): Promise<Update[]> {
    const state = this.state(botId);
    if (state.webhook !== undefined) {
      throw conflict(
        "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    if (offset !== undefined) {
      if (offset < 0) {
        state.pending = state.pending.slice(Math.max(0, state.pending.length + offset));
      } else {
        let drop = 0;
        while (drop < state.pending.length && state.pending[drop]!.update_id < offset) drop += 1;
        if (drop > 0) state.pending.splice(0, drop);
      }
    }
    const previous = state.waiter;
    if (previous !== undefined) {
      clearTimeout(previous.timer);
      state.waiter = undefined;
      previous.reject(
        conflict('terminated by other getUpdates request; make sure that only one bot instance is running'),
      );
    }
    const ready = select(state.pending, limit, allowed);
    if (ready.length > 0 || timeout <= 0 || this.stopped) return Promise.resolve(ready);
    return new Promise<Update[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (state.waiter === waiter) state.waiter = undefined;
        resolve([]);
      }, timeout * 1000);
      const waiter: Waiter = { resolve, reject, timer, limit, allowed };
      state.waiter = waiter;
    });
  }

  setWebhook(botId: number, config: WebhookConfig, dropPending: boolean): void {
    const state = this.state(botId);
    if (dropPending) state.pending = [];
    state.webhook = { ...config };
    this.onChange();
    state.attempts = 0;
    if (state.retryTimer !== undefined) clearTimeout(state.retryTimer);
    state.retryTimer = undefined;
    const waiter = state.waiter;
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      state.waiter = undefined;
      waiter.reject(conflict('terminated by setWebhook request'));
    }
    this.deliver(botId, state);
  }

  deleteWebhook(botId: number, dropPending: boolean): void {
    const state = this.state(botId);
    state.webhook = undefined;
    this.onChange();
    if (state.retryTimer !== undefined) clearTimeout(state.retryTimer);
    state.retryTimer = undefined;
    state.attempts = 0;
    if (dropPending) state.pending = [];
  }

  webhookInfo(botId: number): Record<string, unknown> {
    const state = this.state(botId);
    const hook = state.webhook;
    const info: Record<string, unknown> = {
      url: hook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: state.pending.length,
    };
    if (hook !== undefined) {
      info.max_connections = hook.maxConnections;
      if (hook.ipAddress !== undefined) info.ip_address = hook.ipAddress;
      if (hook.allowedUpdates !== undefined) info.allowed_updates = hook.allowedUpdates;
      if (hook.lastErrorDate !== undefined) {
        info.last_error_date = hook.lastErrorDate;
        info.last_error_message = hook.lastErrorMessage;
      }
    }
    return info;
  }

  /** Drops everything a bot had (logOut, revoke). */
  forget(botId: number): void {
    const state = this.bots.get(botId);
    if (state === undefined) return;
    if (state.retryTimer !== undefined) clearTimeout(state.retryTimer);
    if (state.waiter !== undefined) {
      clearTimeout(state.waiter.timer);
      state.waiter.resolve([]);
    }
    this.bots.delete(botId);
  }

  private clearAll(): void {
    for (const id of [...this.bots.keys()]) this.forget(id);
  }

  /** Delivers pending updates one at a time, in order; a failure retries the same update with back-off. */
  private deliver(botId: number, state: BotUpdates): void {
    if (state.delivering || state.retryTimer !== undefined || this.stopped) return;
    const hook = state.webhook;
    const update = state.pending[0];
    if (hook === undefined || update === undefined) return;
    state.delivering = true;
    void this.post(botId, hook, update).then((error) => {
      state.delivering = false;
      if (this.bots.get(botId) !== state || state.webhook !== hook) return;
      if (error === undefined) {
        if (state.pending[0] === update) state.pending.shift();
        state.attempts = 0;
      } else {
        hook.lastErrorDate = Math.floor(Date.now() / 1000);
        hook.lastErrorMessage = error;
        state.attempts += 1;
        if (state.attempts >= this.options.webhookMaxAttempts) {
          if (state.pending[0] === update) state.pending.shift();
          state.attempts = 0;
        } else {
          const delay = Math.min(
            this.options.webhookMaxDelayMs,
            this.options.webhookRetryMs * 2 ** (state.attempts - 1),
          );
          state.retryTimer = setTimeout(() => {
            state.retryTimer = undefined;
            this.deliver(botId, state);
          }, delay);
          return;
        }
      }
      this.deliver(botId, state);
    });
  }

  /** One POST; answers undefined on success or the error text Telegram would show in `last_error_message`. */
  private async post(botId: number, hook: WebhookConfig, update: Update): Promise<string | undefined> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secretToken !== undefined) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    let res: Response;
    try {
      res = await fetch(hook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(this.options.webhookTimeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return cause === 'ECONNREFUSED'
        ? 'Connection refused'
        : `Connection failed: ${cause ?? (error as Error).name}`;
    }
    const body = await res.text().catch(() => '');
    if (res.status < 200 || res.status > 299)
      return `Wrong response from the webhook: ${res.status} ${res.statusText}`;
    await this.replyFromWebhook(botId, body);
    return undefined;
  }

  private async replyFromWebhook(botId: number, body: string): Promise<void> {
    if (this.options.runWebhookReply === undefined || !body.startsWith('{')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    const { method, ...params } = parsed as Record<string, unknown>;
    const bot = this.world.getBot(botId);
    if (typeof method === 'string' && bot !== undefined) {
      await this.options.runWebhookReply(bot, method, params).catch(() => undefined);
    }
  }

  /** Ends long polls and webhook retries (server shutdown). */
  stop(): void {
    this.stopped = true;
    for (const state of this.bots.values()) {
      if (state.retryTimer !== undefined) clearTimeout(state.retryTimer);
      state.retryTimer = undefined;
      if (state.waiter !== undefined) {
        clearTimeout(state.waiter.timer);
        state.waiter.resolve([]);
        state.waiter = undefined;
      }
    }
    this.world.off('message', this.onMessage);
    this.world.off('reset', this.onReset);
    this.world.off('botRevoked', this.onRevoked);
  }
}

function select(pending: Update[], limit: number, allowed?: string[]): Update[] {
  const kinds = allowed !== undefined && allowed.length > 0 ? allowed : ALL_KINDS;
  const out: Update[] = [];
  for (const update of pending) {
    if (out.length >= limit) break;
    if (kinds.some((kind) => kind in update)) out.push(update);
  }
  return out;
}
