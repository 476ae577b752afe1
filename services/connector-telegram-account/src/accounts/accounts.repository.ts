import { OwnedRowsRepository, type PublicPart } from '@integrations/connector-kit';
import { ownedOrNotFound, type CommandCaller } from '@integrations/messaging';
import { enqueueOutbox, sql } from '@integrations/persistence';
import type { Kysely, OutboxEnvelope, Transaction } from '@integrations/persistence';
import { KEY_NAMES, keyedHash, type SecretCipher } from '@integrations/secrets';
import { v7 as uuidv7 } from 'uuid';
import type { AccountDatabase, SessionStatus } from '../db/schema';
import { shardOfColumn } from '../shards/shard-leases';
import { maskPhone, normalizePhone, phoneContext, sessionContext, type SessionRow } from './account-store';

export { toAccount, type SessionRow } from './account-store';

export interface LoginProfile {
  telegramUserId: string;
  phone?: string | null;
  username?: string | null;
  firstName?: string | null;
}

/** A caller's account, or the 404 of a missing or another user's one. */
export async function findAccount(
  accounts: Pick<AccountsRepository, 'byId'>,
  caller: CommandCaller,
  id: string,
): Promise<SessionRow> {
  return findAccountIn(await accounts.byId(id), caller);
}

/** `row` if it is the caller's account (a missing or another user's one is the same 404). */
export function findAccountIn(row: SessionRow | undefined, caller: CommandCaller): SessionRow {
  return ownedOrNotFound(row, caller, 'account', 'No such account.');
}

/**
 * The `telegram_sessions` table; the session text goes in and out only through the cipher. An account's channels
 * go with it (a foreign key cascade), so removing one answers their ids for their events.
 */
export class AccountsRepository extends OwnedRowsRepository<SessionRow> {
  private readonly sessions: Kysely<AccountDatabase>;

  constructor(
    db: Kysely<AccountDatabase>,
    private readonly cipher: SecretCipher,
    /** The HMAC key of `phone_hash` (`hashKeyFromEnv`). */
    private readonly hashKey: string,
  ) {
    super(db, 'telegram_sessions', {
      table: 'telegram_account_channels',
      column: 'account_id',
      cascade: true,
    });
    this.sessions = db;
  }

  /** Every account whose session should be live (not revoked, not paused), of the given shards (restored when a shard is taken). */
  restorable(inShards: { shards: number[]; of: number }): Promise<SessionRow[]> {
    if (inShards.shards.length === 0) return Promise.resolve([]);
    return this.sessions
      .selectFrom('telegram_sessions')
      .selectAll()
      .where('status', 'in', ['active', 'connecting', 'error'])
      .where('is_active', '=', 1)
      .where(shardOfColumn('user_id', inShards.of), 'in', inShards.shards)
      .orderBy('created_at')
      .execute();
  }

  /**
   * A shard was taken and its sessions are about to be restored: the accounts it says are `active` become
   * `connecting` until their client is back (or marked `error` / `revoked`), so the API never shows an account
   * active that has no live client.
   */
  async markConnecting(inShards: { shards: number[]; of: number }): Promise<void> {
    if (inShards.shards.length === 0) return;
    await this.sessions
      .updateTable('telegram_sessions')
      .set({ status: 'connecting', updated_at: sql<Date>`current_timestamp(3)` })
      .where('status', '=', 'active')
      .where('is_active', '=', 1)
      .where(shardOfColumn('user_id', inShards.of), 'in', inShards.shards)
      .execute();
  }

  async session(row: SessionRow): Promise<string> {
    return this.cipher.decrypt(
      KEY_NAMES.sessions,
      row.session_enc,
      sessionContext(row.telegram_user_id, row.user_id),
    );
  }

  /** The account's full phone number (`+<digits>`), or null when Telegram never told it. */
  async phone(row: SessionRow): Promise<string | null> {
    if (row.phone_enc === null) return null;
    return this.cipher.decrypt(
      KEY_NAMES.sessions,
      row.phone_enc,
      phoneContext(row.telegram_user_id, row.user_id),
    );
  }

  /**
   * Stores a finished login: the same Telegram user connected again by the same platform user updates the
   * existing account (new session, active again) instead of adding a second one. A known phone is stored
   * encrypted with its keyed hash (a login that does not know it keeps the one stored); one account per phone per
   * user, so another account of this user that still names the number (Telegram gave it to a new account)
   * forgets it.
   */
  async saveLogin(
    userId: string,
    profile: LoginProfile,
    session: string,
    eventOf: (saved: SessionRow) => OutboxEnvelope,
  ): Promise<SessionRow> {
    return this.sessions.transaction().execute(async (trx) => {
      const saved = await this.upsertLogin(trx, userId, profile, session);
      await enqueueOutbox(trx, eventOf(saved));
      return saved;
    });
  }

  private async upsertLogin(
    trx: Transaction<AccountDatabase>,
    userId: string,
    profile: LoginProfile,
    session: string,
  ): Promise<SessionRow> {
    // Bound to its row (one per platform user and Telegram user) and owner: copied elsewhere, it does not decrypt.
    const sealed = await this.cipher.encrypt(
      KEY_NAMES.sessions,
      session,
      sessionContext(profile.telegramUserId, userId),
    );
    const phone = normalizePhone(profile.phone);
    const phoneFields = phone ? await this.phoneFields(trx, userId, profile.telegramUserId, phone) : {};
    const fields = {
      ...phoneFields,
      username: profile.username ?? null,
      first_name: profile.firstName ?? null,
      session_enc: sealed.ciphertext,
      session_key_version: sealed.keyVersion,
      status: 'active' as const,
      last_error: null,
      last_seen_at: new Date(),
      updated_at: new Date(),
    };
    // One statement, no SELECT … FOR UPDATE first: concurrent logins of different accounts would deadlock on the
    // unique index's gap locks.
    await trx
      .insertInto('telegram_sessions')
      .values({
        id: uuidv7(),
        user_id: userId,
        telegram_user_id: profile.telegramUserId,
        created_at: new Date(),
        ...fields,
      })
      .onDuplicateKeyUpdate(fields)
      .execute();
    return trx
      .selectFrom('telegram_sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('telegram_user_id', '=', profile.telegramUserId)
      .executeTakeFirstOrThrow();
  }

  /**
   * The phone columns of a login, after releasing the number from another account of the same user: read without
   * a lock and cleared by primary key, so concurrent logins never wait on each other's index gaps.
   */
  private async phoneFields(
    trx: Transaction<AccountDatabase>,
    userId: string,
    telegramUserId: string,
    phone: string,
  ) {
    const hash = keyedHash(this.hashKey, phone);
    const holders = await trx
      .selectFrom('telegram_sessions')
      .select('id')
      .where('user_id', '=', userId)
      .where('phone_hash', '=', hash)
      .where('telegram_user_id', '<>', telegramUserId)
      .execute();
    for (const holder of holders)
      await trx
        .updateTable('telegram_sessions')
        .set({ phone_masked: null, phone_enc: null, phone_key_version: null, phone_hash: null })
        .where('id', '=', holder.id)
        .execute();
    const sealed = await this.cipher.encrypt(KEY_NAMES.sessions, phone, phoneContext(telegramUserId, userId));
    return {
      phone_masked: maskPhone(phone),
      phone_enc: sealed.ciphertext,
      phone_key_version: sealed.keyVersion,
      phone_hash: hash,
    };
  }

  /** The account's status and last error, with the events announcing the change (one transaction). */
  async setStatus(
    id: string,
    status: SessionStatus,
    lastError: string | null,
    events: OutboxEnvelope[] = [],
  ): Promise<void> {
    if (events.length === 0) return this.writeStatus(this.sessions, id, status, lastError);
    await this.sessions.transaction().execute(async (trx) => {
      await this.writeStatus(trx, id, status, lastError);
      for (const event of events) await enqueueOutbox(trx, event);
    });
  }

  private async writeStatus(
    trx: Kysely<AccountDatabase>,
    id: string,
    status: SessionStatus,
    lastError: string | null,
  ): Promise<void> {
    await trx
      .updateTable('telegram_sessions')
      .set({
        status,
        last_error: lastError,
        ...(status === 'active' ? { last_seen_at: new Date() } : {}),
        updated_at: sql<Date>`current_timestamp(3)`,
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Accounts by status in the given shards. Each replica counts the shards it holds, so the replicas' numbers add
   * up to the table once (not once per replica).
   */
  async counts(inShards: { shards: number[]; of: number }): Promise<Record<SessionStatus, number>> {
    const rows =
      inShards.shards.length === 0
        ? []
        : await this.sessions
            .selectFrom('telegram_sessions')
            .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
            .where(shardOfColumn('user_id', inShards.of), 'in', inShards.shards)
            .groupBy('status')
            .execute();
    const out: Record<SessionStatus, number> = { connecting: 0, active: 0, error: 0, revoked: 0 };
    for (const row of rows) out[row.status] = Number(row.n);
    return out;
  }
}

/** What the services use of the accounts table (an in-memory fake stands in for it in unit tests). */
export type Accounts = PublicPart<AccountsRepository>;
