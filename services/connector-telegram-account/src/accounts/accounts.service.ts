import type { Account, EventDataMap, TelegramAccountListCommand } from '@integrations/contracts';
import type { CommandCaller, MessageContext, Messaging } from '@integrations/messaging';
import type { Logger } from '@integrations/observability';
import { enqueueOutbox, listPage, type OutboxRelay } from '@integrations/persistence';
import { Api } from 'telegram';
import type { AccountSender } from '../messages/account-sender';
import type { LiveClients } from '../telegram/live-clients';
import { toAccount, type AccountStore } from './account-store';

/** The caller's accounts: list, read, remove (logged out at Telegram, session erased) and reconnect. */
export class AccountsService {
  constructor(
    private readonly deps: {
      store: AccountStore;
      live: LiveClients;
      sender: AccountSender;
      messaging: Messaging;
      relay: OutboxRelay;
      logger: Logger;
    },
  ) {}

  list(caller: CommandCaller, data: TelegramAccountListCommand) {
    return listPage(this.deps.store.db, 'telegram_sessions', caller, data, toAccount, {
      status: data.status,
      search: data.q
        ? { text: data.q.replace(/^@/, ''), columns: ['username', 'first_name', 'phone_masked'] }
        : undefined,
    });
  }

  async get(caller: CommandCaller, id: string): Promise<Account> {
    return toAccount(await this.deps.store.find(caller, id));
  }

  /**
   * Logs the session out at Telegram (best effort: a session Telegram already ended cannot be logged out), then
   * erases the row and its encrypted session, and publishes `telegram.account.disconnected`.
   */
  async remove(caller: CommandCaller, id: string, ctx: MessageContext): Promise<void> {
    const { store, live, sender, messaging, relay, logger } = this.deps;
    const row = await store.find(caller, id);
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
    await store.db.transaction().execute(async (trx) => {
      // Its channels go with it (a foreign key cascade): each is announced, so every list follows.
      const channels = await trx
        .selectFrom('telegram_account_channels')
        .select('id')
        .where('account_id', '=', row.id)
        .forUpdate()
        .execute();
      await trx.deleteFrom('telegram_sessions').where('id', '=', row.id).execute();
      for (const channel of channels) {
        const removed: EventDataMap['telegram.channel.removed'] = {
          userId: row.user_id,
          channelId: channel.id,
        };
        await enqueueOutbox(trx, messaging.makeEnvelope('telegram.channel.removed', removed, ctx));
      }
      const data: EventDataMap['telegram.account.disconnected'] = {
        userId: row.user_id,
        accountId: row.id,
        reason: 'removed',
      };
      await enqueueOutbox(trx, messaging.makeEnvelope('telegram.account.disconnected', data, ctx));
    });
    relay.kick();
  }

  /** Connects the account again from its stored session; answers the status after the attempt. */
  async reconnect(caller: CommandCaller, id: string): Promise<Account> {
    const { store, live } = this.deps;
    const row = await store.find(caller, id);
    if (row.status !== 'revoked') {
      await live.stop(row.id);
      await live.start(row);
    }
    return toAccount((await store.byId(row.id)) ?? row);
  }
}
