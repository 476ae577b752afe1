import { DomainError } from '@integrations/contracts';
import type { TelegramClient } from 'telegram';

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

/** A call that took longer than `ms`: treated as Telegram being unreachable (the caller drops the client). */
export async function withTimeout<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unreachable()), ms);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
