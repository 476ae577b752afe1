import type { Account, Bot, Channel } from '@integrations/contracts';
import { useMemo } from 'react';
import { useDirectory } from '../api/queries';
import type { KnownNames } from '../live/describe-event';

type AccountLike = Pick<Account, 'id' | 'firstName' | 'username' | 'phone' | 'telegramUserId'>;

/** "Cody @code_person": the Telegram name and username, or the masked phone when there are neither. */
export const accountName = (account: Pick<Account, 'firstName' | 'username' | 'phone'>) =>
  [account.firstName, account.username ? `@${account.username}` : null].filter(Boolean).join(' ') ||
  account.phone ||
  'Telegram account';

/**
 * A name that tells this account apart from the caller's others: the name and username, then the masked phone,
 * then (two accounts alike in all of those) the Telegram user id.
 */
export function accountLabel(account: AccountLike, all: readonly AccountLike[] = []): string {
  const name = accountName(account);
  const others = all.filter((other) => other.id !== account.id);
  if (!others.some((other) => accountName(other) === name)) return name;
  const withPhone = account.phone && !name.includes(account.phone) ? `${name} · ${account.phone}` : name;
  const sameWithPhone = others.some(
    (other) => accountName(other) === name && (other.phone ?? '') === (account.phone ?? ''),
  );
  return sameWithPhone ? `${withPhone} · id ${account.telegramUserId}` : withPhone;
}

export const botName = (bot: Pick<Bot, 'username'>) => `@${bot.username}`;

/** Names of the caller's bots, accounts and channels by id, and of chats by their Telegram id. */
export function useNames(): KnownNames & {
  accounts: Account[];
  bots: Bot[];
  channels: Channel[];
  account(id: string): string | undefined;
} {
  const accounts = useDirectory('accounts').data;
  const bots = useDirectory('bots').data;
  const channels = useDirectory('channels').data;
  return useMemo(() => {
    const byId = new Map<string, string>();
    const byChat = new Map<string, string>();
    for (const account of accounts ?? []) byId.set(account.id, accountLabel(account, accounts));
    for (const bot of bots ?? []) byId.set(bot.id, botName(bot));
    for (const channel of channels ?? []) {
      byId.set(channel.id, channel.title);
      byChat.set(channel.chatId, channel.title);
    }
    return {
      accounts: accounts ?? [],
      bots: bots ?? [],
      channels: channels ?? [],
      resource: (id: string) => byId.get(id),
      account: (id: string) => byId.get(id),
      chat: (chatId: string) => byChat.get(chatId),
    };
  }, [accounts, bots, channels]);
}
