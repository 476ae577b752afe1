import type { DomainError, EventDataMap } from '@integrations/contracts';
import type { MessageContext, Messaging } from '@integrations/messaging';
import type { Logger } from '@integrations/observability';
import type { OutboxRelay } from '@integrations/persistence';
import { Api, type TelegramClient } from 'telegram';
import { NewMessage, type NewMessageEvent } from 'telegram/events';
import type { Accounts, SessionRow } from '../accounts/accounts.repository';
import type { ClientFactory } from './client-factory';
import { destroy, isDead, unreachable, untilConnected, whenKeyForgotten } from './connection-state';
import { isSessionGone, toDomainError } from './errors';
import type { TelegramCalls } from './telegram-calls';

interface Live {
  client: TelegramClient;
  userId: string;
}

/**
 * The connected GramJS client of each account this replica serves: at most one per account (a second client on
 * the same auth key would get it revoked). A login flow hands its client over instead of a new one connecting.
 */
export class LiveClients {
  private readonly live = new Map<string, Live>();
  private readonly starting = new Map<string, Promise<TelegramClient | undefined>>();

  constructor(
    private readonly deps: {
      store: Pick<Accounts, 'session' | 'setStatus' | 'announce'>;
      factory: ClientFactory;
      messaging: Messaging;
      relay: OutboxRelay;
      logger: Logger;
      /** Every call to Telegram goes through these (bounded, behind the account's and the connector's breaker). */
      calls: TelegramCalls;
      /** The longest a wait for a reconnect may take before the client counts as cut off. */
      callTimeoutMs: number;
    },
  ) {}

  get size(): number {
    return this.live.size;
  }

  has(accountId: string): boolean {
    return this.live.has(accountId);
  }

  /** The account's live client; a dead one (GramJS gave up reconnecting) is dropped and not answered. */
  get(accountId: string): TelegramClient | undefined {
    const live = this.live.get(accountId);
    if (live === undefined) return undefined;
    if (!isDead(live.client)) return live.client;
    this.live.delete(accountId);
    void destroy(live.client);
    return undefined;
  }

  /** A call through an account's client, bounded and behind its breakers. */
  call<R extends Api.AnyRequest>(
    accountId: string,
    client: TelegramClient,
    request: R,
  ): Promise<R['__response']> {
    return this.deps.calls.invoke(accountId, client, request);
  }

  /**
   * A connected client for the account, for a call now: waits while GramJS reconnects, replaces a dead client
   * with a new one from the stored session, and fails as TELEGRAM_UNAVAILABLE (nothing sent) when Telegram
   * cannot be reached, instead of leaving the call waiting in a client that may never reconnect.
   */
  async ready(row: SessionRow): Promise<TelegramClient> {
    const current = this.get(row.id);
    if (current && (await untilConnected(current, this.deps.callTimeoutMs))) return current;
    if (current) await this.drop(row.id, current);
    const client = await this.start(row);
    if (client === undefined) throw unreachable();
    return client;
  }

  /** A finished login's client becomes the account's live client (replacing an older one, if any). */
  async adopt(row: SessionRow, client: TelegramClient): Promise<void> {
    const previous = this.live.get(row.id);
    if (previous && previous.client !== client) await destroy(previous.client);
    this.attach(row, client);
  }

  /**
   * Connects an account from its stored session; undefined (and the account marked) when Telegram refuses the
   * session or cannot be reached. Concurrent calls for one account share one attempt.
   */
  start(row: SessionRow): Promise<TelegramClient | undefined> {
    const existing = this.live.get(row.id);
    if (existing) return Promise.resolve(existing.client);
    const pending = this.starting.get(row.id);
    if (pending) return pending;
    const attempt = this.connect(row).finally(() => this.starting.delete(row.id));
    this.starting.set(row.id, attempt);
    return attempt;
  }

  private async connect(row: SessionRow): Promise<TelegramClient | undefined> {
    const { store, factory, calls } = this.deps;
    let client: TelegramClient | undefined;
    try {
      // Inside the try: an undecryptable session or an unreachable emulator marks the account too.
      client = await factory.create(await store.session(row));
      const connecting = client;
      await calls.connect(row.id, connecting);
      await calls.run(
        row.id,
        () => Promise.race([connecting.getMe(), whenKeyForgotten(connecting)]),
        undefined,
        'users.GetFullUser',
      );
    } catch (raw) {
      if (client) await destroy(client);
      await this.failed(row, toDomainError(raw));
      return undefined;
    }
    this.attach(row, client);
    if (row.status !== 'active') await store.setStatus(row.id, 'active', null);
    return client;
  }

  private attach(row: SessionRow, client: TelegramClient): void {
    this.live.set(row.id, { client, userId: row.user_id });
    client.addEventHandler(
      (event: NewMessageEvent) => void this.inbound(row, event),
      new NewMessage({ incoming: true }),
    );
  }

  /** Stops an account's client (removal, logout, a revoked session). */
  async stop(accountId: string): Promise<void> {
    const live = this.live.get(accountId);
    this.live.delete(accountId);
    if (live) await destroy(live.client);
  }

  /** Drops a client that stopped answering; its calls still queued are abandoned, never sent later. */
  private async drop(accountId: string, client: TelegramClient): Promise<void> {
    if (this.live.get(accountId)?.client === client) this.live.delete(accountId);
    await destroy(client);
  }

  /**
   * A call found the session gone (revoked, deactivated, duplicated) or Telegram unreachable: the account is
   * marked, and a revoked one stops and publishes `telegram.account.session_error`.
   */
  async failed(
    row: Pick<SessionRow, 'id' | 'user_id' | 'status'>,
    error: DomainError,
    ctx?: MessageContext,
  ): Promise<void> {
    const { store, messaging, relay } = this.deps;
    const status = isSessionGone(error) ? 'revoked' : 'error';
    if (status === 'revoked') await this.stop(row.id);
    const data: EventDataMap['telegram.account.session_error'] = {
      userId: row.user_id,
      accountId: row.id,
      error: { code: error.code, detail: error.message },
    };
    // Announced once, when the status changes.
    const events =
      row.status === status
        ? []
        : [messaging.makeEnvelope('telegram.account.session_error', data, ctx ?? { userId: row.user_id })];
    await store.setStatus(row.id, status, error.message, events);
    relay.kick();
    this.deps.logger.warn('telegram session unusable', { accountId: row.id, code: error.code, status });
  }

  /**
   * The low-priority health sweep: one cheap call (`updates.getState`) per live session, a few at a time. A session
   * Telegram ended is marked `revoked` (its client stopped, `session_error` published). A client that cannot reach
   * Telegram (GramJS gave up reconnecting, or the call timed out) is dropped and its account marked `error`: the
   * caller reconnects those (`restoreAll` of the accounts without a client) once Telegram answers again.
   * Answers how many were unhealthy.
   */
  async sweep(concurrency: number): Promise<number> {
    const entries = [...this.live.entries()];
    let unhealthy = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < entries.length) {
        const [accountId, live] = entries[next]!;
        next += 1;
        const row = { id: accountId, user_id: live.userId, status: 'active' as const };
        try {
          if (isDead(live.client)) throw unreachable();
          await this.call(accountId, live.client, new Api.updates.GetState());
        } catch (raw) {
          const error = toDomainError(raw);
          // A flood wait says Telegram is busy with this account, not that the session is broken.
          if (error.code === 'TELEGRAM_FLOOD_WAIT') continue;
          unhealthy += 1;
          if (!isSessionGone(error)) await this.drop(accountId, live.client);
          await this.failed(row, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return unhealthy;
  }

  /**
   * Connects stored accounts, a few at a time, while `wanted()` holds (a shard given up stops its restore).
   * Each is a bounded call, so a Telegram that does not answer delays it by the call timeout at most.
   */
  async restoreAll(rows: SessionRow[], concurrency: number, wanted: () => boolean): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < rows.length && wanted()) {
        const row = rows[next]!;
        next += 1;
        await this.start(row).catch((error: unknown) =>
          this.deps.logger.error('restoring a session failed', { accountId: row.id, error }),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  }

  /** Disconnects the accounts of some users (their shard moved to another replica); the table is untouched. */
  async closeWhere(ofUser: (userId: string) => boolean): Promise<void> {
    await Promise.allSettled([...this.starting.values()]);
    const leaving = [...this.live].filter(([, live]) => ofUser(live.userId));
    for (const [accountId] of leaving) this.live.delete(accountId);
    await Promise.allSettled(leaving.map(([, live]) => destroy(live.client)));
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.starting.values()]);
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.allSettled(all.map((live) => destroy(live.client)));
  }

  /** An incoming message becomes `telegram.message.received` (through the outbox: published once it is stored). */
  private async inbound(row: SessionRow, event: NewMessageEvent): Promise<void> {
    const { message } = event;
    const { store, messaging, relay } = this.deps;
    try {
      const sender = message.senderId?.toString() ?? '0';
      const data: EventDataMap['telegram.message.received'] = {
        userId: row.user_id,
        via: { type: 'account', id: row.id },
        chatId: message.chatId?.toString() ?? sender,
        telegramMessageId: String(message.id),
        from: { id: sender, username: null },
        text: message.message ?? '',
        date: new Date(message.date * 1000).toISOString(),
      };
      await store.announce([
        messaging.makeEnvelope('telegram.message.received', data, { userId: row.user_id }),
      ]);
      relay.kick();
    } catch (error) {
      this.deps.logger.error('recording an inbound message failed', { accountId: row.id, error });
    }
  }
}
