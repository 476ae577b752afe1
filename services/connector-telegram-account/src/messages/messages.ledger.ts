import {
  MessageLedger,
  MessagesRepository,
  type MessageLedgerDeps,
  type MessageStore,
} from '@integrations/connector-kit';
import type { Kysely, Selectable } from '@integrations/persistence';
import type { SessionRow } from '../accounts/accounts.repository';
import type { AccountDatabase, AccountMessageTable } from '../db/schema';

export type AccountMessageRow = Selectable<AccountMessageTable>;

/**
 * Where account sends are kept: the `telegram_account_messages` table. Each names the account it is sent as
 * (`account_id`), which accepts a send only while it is its user's, unpaused and not revoked.
 */
export const accountMessagesRepository = (
  db: Kysely<AccountDatabase>,
): MessagesRepository<AccountMessageRow, SessionRow> =>
  new MessagesRepository<AccountMessageRow, SessionRow>(db, 'telegram_account_messages', ACCOUNT_SENDERS);

/** The accounts as the ledger's senders (the in-memory store of the unit tests uses the same description). */
export const ACCOUNT_SENDERS = {
  table: 'telegram_sessions',
  column: 'account_id',
  refusedWhen: { column: 'status', values: ['revoked'] },
} as const;

/** What the accounts service uses of the messages table: erasing a deleted user's messages. */
export type UserMessages = Pick<MessagesRepository<AccountMessageRow>, 'deleteOfUser'>;

/** The `type` label of the spec's message metrics: a send to an attached channel or group is `channel`. */
export const typeOf = (row: Pick<AccountMessageRow, 'channel_id'>): 'account' | 'channel' =>
  row.channel_id ? 'channel' : 'account';

/** The ledger of account sends: each as an account, to what the caller named (`recipient`) or an attached channel. */
export function accountMessageLedger(
  deps: MessageLedgerDeps,
  store: MessageStore<AccountMessageRow, SessionRow>,
): MessageLedger<AccountMessageRow, SessionRow> {
  return new MessageLedger<AccountMessageRow, SessionRow>(deps, {
    repository: store,
    typeOf,
    chatOf: (row) => row.recipient,
    via: (row) => ({ type: 'account', id: row.account_id }),
    // The recipient's @username is the chat's name in the history (a phone number stays out of events).
    chatTitleOf: (row) => (!row.channel_id && row.recipient.startsWith('@') ? row.recipient : undefined),
  });
}
