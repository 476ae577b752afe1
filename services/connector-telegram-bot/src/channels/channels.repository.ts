import { ensureActive, OwnedRowsRepository, type PublicPart } from '@integrations/connector-kit';
import { ownedOrNotFound } from '@integrations/messaging';
import { answersById, enqueueOutbox, GroupCommit, inOneTrip, sql } from '@integrations/persistence';
import type { Kysely, OutboxEnvelope, Selectable } from '@integrations/persistence';
import type { BotRow, Caller } from '../bots/bots.repository';
import type { BotDatabase, ChannelTable } from '../db/schema';

export type ChannelRow = Selectable<ChannelTable>;
/** A channel to send to, and the bot it is sent through. */
export interface Sendable {
  channel: ChannelRow;
  bot: BotRow;
}

/** The `telegram_channels` table: chats attached through a bot. */
export class ChannelsRepository extends OwnedRowsRepository<ChannelRow> {
  private readonly channels: Kysely<BotDatabase>;
  /** The sends of one I/O phase read their channels in one SELECT. */
  private readonly sendable = new GroupCommit<string, Partial<Sendable>>((ids) => this.sendableOf(ids));

  constructor(db: Kysely<BotDatabase>) {
    super(db, 'telegram_channels');
    this.channels = db;
  }

  /**
   * A channel to send to, with its bot: its own and its bot's pause are checked on what one round trip read, and the
   * bot goes on to delivery.
   */
  async findSendable(caller: Caller, id: string): Promise<Sendable> {
    const found = await this.sendable.add(id);
    // A channel is removed before its bot (they are never apart); without it, there is nothing to send through.
    const channel = ownedOrNotFound(
      found.bot && found.channel,
      caller,
      'channel',
      'No such channel or group.',
    );
    const bot = found.bot as BotRow;
    ensureActive(channel, 'channel');
    ensureActive(bot, 'bot');
    return { channel, bot };
  }

  /** The channels, and their bots, of the sends of one I/O phase: two SELECTs in one round trip. */
  private async sendableOf(ids: string[]): Promise<Array<Partial<Sendable>>> {
    const distinct = [...new Set(ids)];
    const [channels, bots] = await inOneTrip(
      this.channels,
      [
        this.statements.compile('channels', distinct, (channelIds) =>
          this.channels.selectFrom('telegram_channels').selectAll().where('id', 'in', channelIds),
        ),
        this.statements.compile('their-bots', distinct, (channelIds) =>
          this.channels
            .selectFrom('telegram_bots')
            .selectAll()
            .where('id', 'in', (eb) =>
              eb.selectFrom('telegram_channels').select('bot_id').where('id', 'in', channelIds),
            ),
        ),
      ],
      { transaction: false },
    );
    const botsById = new Map((bots?.rows as BotRow[]).map((bot) => [bot.id, bot]));
    return answersById(ids, channels?.rows as ChannelRow[]).map((channel) =>
      channel ? { channel, bot: botsById.get(channel.bot_id) } : {},
    );
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
