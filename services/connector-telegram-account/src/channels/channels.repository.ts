import { OwnedRowsRepository, type PublicPart } from '@integrations/connector-kit';
import type { CommandCaller } from '@integrations/messaging';
import { ownedOrNotFound } from '@integrations/messaging';
import { enqueueOutbox, sql } from '@integrations/persistence';
import type { Kysely, OutboxEnvelope, Selectable } from '@integrations/persistence';
import { v7 as uuidv7 } from 'uuid';
import type { AccountChannelTable, AccountDatabase } from '../db/schema';

export type ChannelRow = Selectable<AccountChannelTable>;

/** What an attach learned from Telegram about a chat (everything but the row's identity and owner). */
export type AttachedChat = Omit<
  ChannelRow,
  'id' | 'user_id' | 'account_id' | 'is_active' | 'label' | 'created_at'
>;

/** A caller's channel, or the 404 of a missing or another user's one. */
export async function findChannel(
  channels: Pick<AccountChannelsRepository, 'byId'>,
  caller: CommandCaller,
  id: string,
): Promise<ChannelRow> {
  return ownedOrNotFound(await channels.byId(id), caller, 'channel', 'No such channel.');
}

/** The `telegram_account_channels` table: chats attached through an account. */
export class AccountChannelsRepository extends OwnedRowsRepository<ChannelRow> {
  private readonly channels: Kysely<AccountDatabase>;

  constructor(db: Kysely<AccountDatabase>) {
    super(db, 'telegram_account_channels');
    this.channels = db;
  }

  /**
   * Stores an attached chat (again: the same chat through the same account is updated, not added) with the event
   * made from its id, in one transaction.
   */
  attach(
    owner: { userId: string; accountId: string },
    chat: AttachedChat,
    eventOf: (id: string) => OutboxEnvelope,
  ): Promise<ChannelRow> {
    return this.channels.transaction().execute(async (trx) => {
      // An upsert, not SELECT … FOR UPDATE first: concurrent attaches would deadlock on the unique index's gaps.
      await trx
        .insertInto('telegram_account_channels')
        .values({
          id: uuidv7(),
          user_id: owner.userId,
          account_id: owner.accountId,
          created_at: new Date(),
          ...chat,
        })
        .onDuplicateKeyUpdate(chat)
        .execute();
      const { id } = await trx
        .selectFrom('telegram_account_channels')
        .select('id')
        .where('account_id', '=', owner.accountId)
        .where('chat_id', '=', chat.chat_id)
        .executeTakeFirstOrThrow();
      await enqueueOutbox(trx, eventOf(id));
      return trx
        .selectFrom('telegram_account_channels')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    });
  }

  /** Marks the channel `write_forbidden` with its event, once: `false` when it was gone or already marked. */
  markWriteForbidden(channelId: string, eventOf: (row: ChannelRow) => OutboxEnvelope): Promise<boolean> {
    return this.channels.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('telegram_account_channels')
        .selectAll()
        .where('id', '=', channelId)
        .forUpdate()
        .executeTakeFirst();
      if (!row || row.status === 'write_forbidden') return false;
      await trx
        .updateTable('telegram_account_channels')
        .set({
          status: 'write_forbidden',
          can_post: 0,
          last_checked_at: new Date(),
          updated_at: sql<Date>`current_timestamp(3)`,
        })
        .where('id', '=', channelId)
        .execute();
      await enqueueOutbox(trx, eventOf(row));
      return true;
    });
  }
}

/** What the services use of the channels table (an in-memory fake stands in for it in unit tests). */
export type AccountChannels = PublicPart<AccountChannelsRepository>;
