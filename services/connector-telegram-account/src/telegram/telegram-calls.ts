import { BreakerOpenError, BreakerSet, CallTimeoutError } from '@integrations/connector-kit';
import { SpanKind, inSpan, type Logger, type Registry } from '@integrations/observability';
import type { Api, TelegramClient } from 'telegram';
import { unreachable, whenKeyForgotten } from './connection-state';
import { toDomainError } from './errors';

/**
 * The one way this connector talks to Telegram: every MTProto call (a send, a login step, a channel lookup, a
 * health check, connecting a client, logging out) is bounded by the call timeout and passes the account's
 * breaker and the connector-wide `mtproto` one. A login has no account yet and passes the connector-wide one only.
 * An open breaker or a timeout comes out as the contract's TELEGRAM_UNAVAILABLE with `retryAfter`, the same for
 * every kind of call; Telegram's own errors come out as they are (a login step reads SESSION_PASSWORD_NEEDED).
 * Each call is a client span `telegram <method>` under the active trace, with ids only (never a phone, code,
 * password or session).
 */
export class TelegramCalls {
  private readonly breakers: BreakerSet;

  private readonly connectTimeoutMs: number;

  constructor(options: {
    timeoutMs: number;
    connectTimeoutMs: number;
    resetMs: number;
    registry: Registry;
    logger: Logger;
  }) {
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.breakers = new BreakerSet({
      name: 'mtproto',
      keyPrefix: 'account',
      timeoutMs: options.timeoutMs,
      resetMs: options.resetMs,
      registry: options.registry,
      logger: options.logger,
      // Only Telegram failing counts: an answer about the request (a bad peer, no rights, a wrong code) does not.
      isFailure: (error) => toDomainError(error).code === 'TELEGRAM_UNAVAILABLE',
      // A call reconnects its client (`connect`, itself a call) from inside: counted once, as part of it.
      nested: true,
    });
  }

  /** Runs a call for an account (`undefined`: a login with no account yet); `method` names its span. */
  run<T>(
    accountId: string | undefined,
    call: () => Promise<T>,
    timeoutMs?: number,
    method = 'call',
  ): Promise<T> {
    return inSpan(
      `telegram ${method}`,
      { 'telegram.api': 'mtproto', 'telegram.method': method, 'integrations.account_id': accountId },
      async () => {
        try {
          return await this.breakers.call(accountId, call, timeoutMs === undefined ? {} : { timeoutMs });
        } catch (error) {
          if (error instanceof BreakerOpenError || error instanceof CallTimeoutError)
            throw toDomainError(error);
          throw error;
        }
      },
      SpanKind.CLIENT,
    );
  }

  /**
   * Connects a client, with the longer connect timeout (a new login's key exchange is CPU-heavy) and behind the
   * same breakers; GramJS answering false (no connection attempt succeeded) is TELEGRAM_UNAVAILABLE, and a key
   * Telegram no longer knows is TELEGRAM_SESSION_REVOKED.
   */
  connect(accountId: string | undefined, client: TelegramClient): Promise<void> {
    return this.run(
      accountId,
      async () => {
        // A key Telegram forgot would leave `connect()` waiting for ever: it ends as revoked instead.
        if (!(await Promise.race([client.connect(), whenKeyForgotten(client)]))) throw unreachable();
      },
      this.connectTimeoutMs,
      'connect',
    );
  }

  invoke<R extends Api.AnyRequest>(
    accountId: string | undefined,
    client: TelegramClient,
    request: R,
  ): Promise<R['__response']> {
    return this.run(accountId, () => client.invoke(request), undefined, request.className);
  }

  /** Whether the account's calls (or, without one, every call) are refused for now. */
  isOpen(accountId?: string): boolean {
    return this.breakers.isOpen(accountId);
  }

  forget(accountId: string): void {
    this.breakers.forget(accountId);
  }

  close(): void {
    this.breakers.shutdown();
  }
}
