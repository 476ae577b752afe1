import { ensureActive, OwnedRowsRepository, type PublicPart } from '@integrations/connector-kit';
import { ownedOrNotFound } from '@integrations/messaging';
import { answersById, enqueueOutbox, GroupCommit, sql } from '@integrations/persistence';
import type { Kysely, OutboxEnvelope, Selectable } from '@integrations/persistence';
import type { Caller } from '../bots/bots.repository';
import type { BotDatabase, ChannelTable } from '../db/schema';

export type ChannelRow = Selectable<ChannelTable>;
type SendableRow = ChannelRow & { bot_is_active: ChannelRow['is_active'] };

/** The `telegram_channels` table: chats attached through a bot. */
export class ChannelsRepository extends OwnedRowsRepository<ChannelRow> {
  private readonly channels: Kysely<BotDatabase>;
  /** The sends of one I/O phase read their channels in one SELECT. */
  private readonly sendable = new GroupCommit<string, SendableRow | undefined>((ids) => this.sendableOf(ids));

  constructor(db: Kysely<BotDatabase>) {
    super(db, 'telegram_channels');
    this.channels = db;
  }

  /** A channel to send to: its own and its bot's pause are checked in the same read. */
  async findSendable(caller: Caller, id: string): Promise<ChannelRow> {
    const found = await this.sendable.add(id);
    const { bot_is_active: botIsActive, ...row } = ownedOrNotFound(
      found,
      caller,
      'channel',
      'No such channel or group.',
    );
    ensureActive(row, 'channel');
    ensureActive({ is_active: botIsActive }, 'bot');
    return row;
  }

  private async sendableOf(ids: string[]): Promise<Array<SendableRow | undefined>> {
    const rows = await this.channels
      .selectFrom('telegram_channels as c')
      .innerJoin('telegram_bots as b', 'b.id', 'c.bot_id')
      .selectAll('c')
      .select('b.is_active as bot_is_active')
      .where('c.id', 'in', [...new Set(ids)])
      .execute();
    return answersById(ids, rows);
  }

  /** Telegram refused a post: the channel is marked, with its event, in one transaction. */
  async markWriteForbidden(id: string, event: OutboxEnvelope): Promise<void> {
    await this.channels.transaction().execute(async (trx) => {
      await trx
        .updateTable('telegram_channels')
        .set({
          status: 'write_forbidden',
          can_post: 0,
          last_checked_at: sql<Date>`current_timestamp(3)`,
          updated_at: sql<Date>`current_timestamp(3)`,
        })
        .where('id', '=', id)
        .execute();
      await enqueueOutbox(trx, event);
    });
  }
}

/** What the services use of the channels table (an in-memory fake stands in for it in unit tests). */
export type Channels = PublicPart<ChannelsRepository>;
