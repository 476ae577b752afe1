import { DomainError } from '@integrations/contracts';
import type { TelegramClient } from 'telegram';
import { UpdateConnectionState } from 'telegram/network';

/**
 * GramJS reconnects a dropped connection a few times (`connectionRetries`) and then gives up without a word: the
 * client stays "not connected", every later request waits forever in its queue, and nothing reconnects it when
 * Telegram is back. Such a client is dead and must be replaced by a new one.
 */
export function isDead(client: TelegramClient): boolean {
  const sender = client._sender;
  if (sender === undefined) return true;
  return !sender._userConnected && !sender.isReconnecting && !sender.isConnecting;
}

/**
 * Waits while GramJS is reconnecting, so a request is never queued into a client that may give up with it in
 * hand. Answers whether the client is connected (false: dead, or still reconnecting after `timeoutMs`).
 */
export async function untilConnected(client: TelegramClient, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!client.connected) {
    if (isDead(client) || Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

export const unreachable = (): DomainError =>
  new DomainError('TELEGRAM_UNAVAILABLE', 'Telegram could not be reached for this account.', {
    retryAfter: 5,
  });

/**
 * Rejects once GramJS finds the connection's auth key broken: Telegram answered -404, it no longer knows the key
 * (a session from a server that forgot it). GramJS then stops receiving, and every call, `connect()` itself
 * included, would wait forever; the session can never work again, so it counts as revoked. GramJS tells only its
 * update handling, which hands every update to the session's `processEntities` first: that is where this listens.
 * Call it before `connect()`; every call for one client answers the same promise.
 */
export function whenKeyForgotten(client: TelegramClient): Promise<never> {
  let watching = watched.get(client);
  if (watching === undefined) watched.set(client, (watching = watch(client)));
  return watching;
}

const watched = new WeakMap<TelegramClient, Promise<never>>();

function watch(client: TelegramClient): Promise<never> {
  const session = client.session;
  const forgotten = new Promise<never>((_, reject) => {
    const original = session.processEntities.bind(session);
    session.processEntities = (update: unknown) => {
      if (update instanceof UpdateConnectionState && update.state === UpdateConnectionState.broken) {
        reject(new DomainError('TELEGRAM_SESSION_REVOKED', 'Telegram no longer knows this session.'));
      }
      original(update);
    };
  });
  // Raced against calls while they run; a late rejection has no one left to tell.
  forgotten.catch(() => undefined);
  return forgotten;
}

/**
 * GramJS's `destroy()` stops its ping loop and reconnect timers too; a failure there changes nothing for us.
 * A reconnect GramJS has already begun runs to its end even after `destroy()`, so it is waited out first:
 * otherwise the old client could come back on the same auth key beside its replacement (AUTH_KEY_DUPLICATED).
 */
export async function destroy(client: TelegramClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (client._sender?.isReconnecting && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await client.destroy().catch(() => undefined);
}
