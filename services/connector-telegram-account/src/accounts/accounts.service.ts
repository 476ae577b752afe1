import type {
  Account,
  EventDataMap,
  TelegramAccountGetCommand,
  TelegramAccountListCommand,
  TelegramAccountUpdateCommand,
  UserPurge,
} from '@integrations/contracts';
import { ensureActive } from '@integrations/connector-kit';
import {
  asOwner,
  userPurge,
  type CommandCaller,
  type MessageContext,
  type Messaging,
} from '@integrations/messaging';
import type { Logger } from '@integrations/observability';
import type { OutboxRelay } from '@integrations/persistence';
import { Api } from 'telegram';
import type { AccountChannels } from '../channels/channels.repository';
import type { AccountSender } from '../messages/account-sender';
import type { UserMessages } from '../messages/messages.ledger';
import type { LiveClients } from '../telegram/live-clients';
import { findAccount, toAccount, type Accounts } from './accounts.repository';

/** This service's name in `platform.user.purged`, which each service holding user data publishes. */
const SERVICE_NAME = 'connector-telegram-account';

/** The caller's accounts: list, read, remove (logged out at Telegram, session erased) and reconnect. */
export class AccountsService {
  constructor(
    private readonly deps: {
      accounts: Accounts;
      channels: Pick<AccountChannels, 'countOwnedBy'>;
      messages: UserMessages;
      live: Pick<LiveClients, 'get' | 'start' | 'stop' | 'call'>;
      sender: Pick<AccountSender, 'forget'>;
      messaging: Pick<Messaging, 'makeEnvelope'>;
      relay: Pick<OutboxRelay, 'kick'>;
      logger: Logger;
    },
  ) {}

  list(caller: CommandCaller, data: TelegramAccountListCommand) {
    return this.deps.accounts.list(caller, data, toAccount, {
      status: data.status,
      isActive: data.isActive,
      search: data.q
        ? { text: data.q.replace(/^@/, ''), columns: ['username', 'first_name', 'phone_masked'] }
        : undefined,
    });
  }

  async get(caller: CommandCaller, data: TelegramAccountGetCommand, ctx: MessageContext): Promise<Account> {
    if (data.reveal === 'phone') return this.revealPhone(caller, data.id, ctx);
    return toAccount(await findAccount(this.deps.accounts, caller, data.id));
  }

  /**
   * The account with its full phone number, to its owner only: an admin asking about another user's account gets
   * the same 404 as anyone else. A number shown is announced first (`telegram.account.phone_revealed`, through
   * the outbox, so audit-log records it), then answered; an unknown number (null) reveals nothing and is not.
   */
  private async revealPhone(caller: CommandCaller, id: string, ctx: MessageContext): Promise<Account> {
    const { accounts, messaging, relay } = this.deps;
    const row = await findAccount(accounts, asOwner(caller), id);
    const fullPhone = await accounts.phone(row);
    if (fullPhone !== null) {
      const data: EventDataMap['telegram.account.phone_revealed'] = {
        userId: row.user_id,
        accountId: row.id,
      };
      await accounts.announce([messaging.makeEnvelope('telegram.account.phone_revealed', data, ctx)]);
      relay.kick();
    }
    return { ...toAccount(row), fullPhone };
  }

  /**
   * Pauses, resumes or names an account. Pausing disconnects its client (the session stays stored, encrypted,
   * and is not restored on start or by the health sweep); resuming connects it again from that session, with
   * no new login. Each real change is announced (`telegram.account.paused|resumed|updated`).
   */
  async update(
    caller: CommandCaller,
    data: TelegramAccountUpdateCommand,
    ctx: MessageContext,
  ): Promise<Account> {
    const { accounts, live, messaging, relay } = this.deps;
    const row = await findAccount(accounts, { ...caller, admin: false }, data.id);
    const { row: next, verbs } = await accounts.lifecycle({
      row,
      patch: data,
      eventPrefix: 'telegram.account',
      eventData: { userId: row.user_id, accountId: row.id },
      makeEnvelope: (type, eventData) => messaging.makeEnvelope(type, eventData, ctx),
      sideEffects: async (changes) => {
        if (changes.includes('paused')) await live.stop(row.id);
        return {};
      },
    });
    relay.kick();
    if (verbs.includes('resumed') && next.status !== 'revoked') {
      await live.stop(row.id);
      await live.start(next);
      return toAccount((await accounts.byId(row.id)) ?? next);
    }
    return toAccount(next);
  }

  /**
   * Logs the session out at Telegram (best effort: a session Telegram already ended cannot be logged out), then
   * erases the row and its encrypted session, and publishes `telegram.account.disconnected`.
   */
  async remove(caller: CommandCaller, id: string, ctx: MessageContext): Promise<void> {
    const { accounts, live, sender, messaging, relay, logger } = this.deps;
    const row = await findAccount(accounts, caller, id);
    const client = live.get(row.id) ?? (row.status === 'revoked' ? undefined : await live.start(row));
    if (client) {
      await live.call(row.id, client, new Api.auth.LogOut()).catch((error: unknown) =>
        logger.warn('logging out at Telegram failed; erasing the session anyway', {
          accountId: row.id,
          error,
        }),
      );
    }
    await live.stop(row.id);
    sender.forget(row.id);
    // Its channels go with it (a foreign key cascade): each is announced, so every list follows.
    await accounts.remove(row.id, (channelIds) => {
      const removed = channelIds.map((channelId) => {
        const data: EventDataMap['telegram.channel.removed'] = { userId: row.user_id, channelId };
        return messaging.makeEnvelope('telegram.channel.removed', data, ctx);
      });
      const data: EventDataMap['telegram.account.disconnected'] = {
        userId: row.user_id,
        accountId: row.id,
        reason: 'removed',
      };
      return [...removed, messaging.makeEnvelope('telegram.account.disconnected', data, ctx)];
    });
    relay.kick();
  }

  /**
   * A deleted platform user: each account is removed as its owner would (logged out at Telegram, so the session
   * dies there too; its channels and session erased, each announced), then their messages, queued ones
   * included. A repeat finds nothing and answers zeros.
   */
  async purgeUser(userId: string, ctx: MessageContext): Promise<UserPurge> {
    const { accounts, channels, messages, messaging, relay } = this.deps;
    const owned = await accounts.idsOwnedBy(userId);
    const attached = await channels.countOwnedBy(userId);
    for (const accountId of owned) await this.remove({ userId, admin: false }, accountId, ctx);
    const counts = { accounts: owned.length, channels: attached };
    let purge = userPurge(SERVICE_NAME, userId, { ...counts, messages: 0 });
    await messages.deleteOfUser(userId, (deleted) => {
      purge = userPurge(SERVICE_NAME, userId, { ...counts, messages: deleted });
      return messaging.makeEnvelope('platform.user.purged', purge, ctx);
    });
    relay.kick();
    return purge;
  }

  /** Connects the account again from its stored session; answers the status after the attempt. */
  async reconnect(caller: CommandCaller, id: string): Promise<Account> {
    const { accounts, live } = this.deps;
    const row = await findAccount(accounts, caller, id);
    ensureActive(row, 'account');
    if (row.status !== 'revoked') {
      await live.stop(row.id);
      await live.start(row);
    }
    return toAccount((await accounts.byId(row.id)) ?? row);
  }
}
