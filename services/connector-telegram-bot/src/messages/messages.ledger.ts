import {
  MessageLedger,
  MessagesRepository,
  type MessageLedgerDeps,
  type MessageStore,
} from '@integrations/connector-kit';
import type { Kysely, Selectable } from '@integrations/persistence';
import type { BotRow } from '../bots/bots.repository';
import type { BotDatabase, MessageTable } from '../db/schema';

export type MessageRow = Selectable<MessageTable>;

/** Where bot sends are kept: the `telegram_messages` table; each names the bot it goes through (`bot_id`). */
export const botMessagesRepository = (db: Kysely<BotDatabase>): MessagesRepository<MessageRow, BotRow> =>
  new MessagesRepository<MessageRow, BotRow>(db, 'telegram_messages', {
    table: 'telegram_bots',
    column: 'bot_id',
  });

/** What the bots service uses of the messages table: erasing a deleted user's messages. */
export type UserMessages = Pick<MessagesRepository<MessageRow>, 'deleteOfUser'>;

/** The ledger of bot sends: each went through a bot, or a channel (of a bot), to the row's chat. */
export function botMessageLedger(
  deps: MessageLedgerDeps,
  store: MessageStore<MessageRow, BotRow>,
): MessageLedger<MessageRow, BotRow> {
  return new MessageLedger<MessageRow, BotRow>(deps, {
    repository: store,
    typeOf: (row) => row.via_type,
    chatOf: (row) => row.chat_id,
    via: (row) =>
      row.via_type === 'channel' && row.channel_id
        ? { type: 'channel', id: row.channel_id }
        : { type: 'bot', id: row.bot_id },
  });
}
