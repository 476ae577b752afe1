import { InMemoryOwnedRows, RecordingOutbox, freshChannel } from '@integrations/connector-kit';
import type { OutboxEnvelope } from '@integrations/persistence';
import { makeEnvelope, type MessageContext } from '@integrations/messaging';
import type { Logger } from '@integrations/observability';
import type { SessionRow } from '../accounts/account-store';
import type { Accounts } from '../accounts/accounts.repository';
import type { AccountChannels, AttachedChat, ChannelRow } from '../channels/channels.repository';
import type { SessionStatus } from '../db/schema';
import { shardOf } from '../shards/shard-leases';

/**
 * In-memory stand-ins for the account connector's repositories and its messaging, for the services' unit tests
 * (no MariaDB, Redis or RabbitMQ). Only the services' tests import this file.
 */

export const messaging = {
  makeEnvelope: <T>(type: string, data: T, ctx: MessageContext) =>
    makeEnvelope('connector-telegram-account', type, data, ctx),
};

export class Kicks {
  count = 0;
  readonly kick = (): void => {
    this.count += 1;
  };
}

export const quietLogger = (): Logger =>
  ({ info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined }) as never;

export function sessionRow(patch: Partial<SessionRow> & { id: string; user_id: string }): SessionRow {
  const now = new Date('2026-01-01T00:00:00Z');
  return {
    telegram_user_id: `tg-${patch.id}`,
    session_enc: 'sealed',
    session_key_version: 1,
    phone_masked: null,
    phone_enc: null,
    phone_key_version: null,
    phone_hash: null,
    username: null,
    first_name: null,
    status: 'active',
    is_active: 1,
    label: null,
    last_seen_at: now,
    last_error: null,
    created_at: now,
    updated_at: now,
    ...patch,
  };
}

export function channelRow(
  patch: Partial<ChannelRow> & { id: string; user_id: string; account_id: string },
): ChannelRow {
  const now = new Date('2026-01-01T00:00:00Z');
  return {
    chat_id: `-100${patch.id}`,
    peer_type: 'channel',
    peer_id: patch.id,
    access_hash: '7',
    title: `Channel ${patch.id}`,
    type: 'channel',
    username: null,
    ...freshChannel(now),
    ...patch,
  };
}

/** `AccountsRepository` in memory: sessions are stored as `plain:<text>`, phones likewise. */
export class FakeAccounts extends InMemoryOwnedRows<SessionRow> implements Accounts {
  readonly statuses: Array<{ id: string; status: SessionStatus; lastError: string | null }> = [];

  constructor(outbox: RecordingOutbox) {
    super('telegram_sessions', outbox);
  }

  async restorable(inShards: { shards: number[]; of: number }): Promise<SessionRow[]> {
    return [...this.rows.values()].filter(
      (row) =>
        ['active', 'connecting', 'error'].includes(row.status) &&
        row.is_active === 1 &&
        inShards.shards.includes(shardOf(row.user_id, inShards.of)),
    );
  }

  async markConnecting(inShards: { shards: number[]; of: number }): Promise<void> {
    for (const row of this.rows.values())
      if (row.status === 'active' && inShards.shards.includes(shardOf(row.user_id, inShards.of)))
        row.status = 'connecting';
  }

  async session(row: SessionRow): Promise<string> {
    return row.session_enc;
  }

  async phone(row: SessionRow): Promise<string | null> {
    return row.phone_enc;
  }

  async saveLogin(
    userId: string,
    profile: { telegramUserId: string; username?: string | null; firstName?: string | null },
    session: string,
    eventOf: (saved: SessionRow) => OutboxEnvelope,
  ): Promise<SessionRow> {
    const existing = [...this.rows.values()].find(
      (row) => row.user_id === userId && row.telegram_user_id === profile.telegramUserId,
    );
    const saved = sessionRow({
      ...existing,
      id: existing?.id ?? `acc-${this.rows.size + 1}`,
      user_id: userId,
      telegram_user_id: profile.telegramUserId,
      username: profile.username ?? null,
      first_name: profile.firstName ?? null,
      session_enc: session,
      status: 'active',
    });
    this.rows.set(saved.id, saved);
    this.outbox.add([eventOf(saved)]);
    return { ...saved };
  }

  async setStatus(
    id: string,
    status: SessionStatus,
    lastError: string | null,
    events: OutboxEnvelope[] = [],
  ) {
    const row = this.rows.get(id);
    if (row) Object.assign(row, { status, last_error: lastError });
    this.statuses.push({ id, status, lastError });
    this.outbox.add(events);
  }

  async counts(): Promise<Record<SessionStatus, number>> {
    const out: Record<SessionStatus, number> = { connecting: 0, active: 0, error: 0, revoked: 0 };
    for (const row of this.rows.values()) out[row.status] += 1;
    return out;
  }

  /** The channels table whose rows go with their account (the foreign key cascade of the real table). */
  channels?: InMemoryOwnedRows<ChannelRow>;

  override async remove(id: string, eventsOf: (childIds: string[]) => OutboxEnvelope[]): Promise<void> {
    const channels = this.channels;
    if (channels)
      this.children.set(
        id,
        [...channels.rows.values()].filter((row) => row.account_id === id).map((row) => row.id),
      );
    for (const child of this.children.get(id) ?? []) channels?.rows.delete(child);
    await super.remove(id, eventsOf);
  }
}

/** `AccountChannelsRepository` in memory. */
export class FakeChannels extends InMemoryOwnedRows<ChannelRow> implements AccountChannels {
  constructor(outbox: RecordingOutbox) {
    super('telegram_account_channels', outbox);
  }

  async attach(
    owner: { userId: string; accountId: string },
    chat: AttachedChat,
    eventOf: (id: string) => OutboxEnvelope,
  ): Promise<ChannelRow> {
    const existing = [...this.rows.values()].find(
      (row) => row.account_id === owner.accountId && row.chat_id === chat.chat_id,
    );
    const row = channelRow({
      ...existing,
      ...chat,
      id: existing?.id ?? `ch-${this.rows.size + 1}`,
      user_id: owner.userId,
      account_id: owner.accountId,
    });
    this.rows.set(row.id, row);
    this.outbox.add([eventOf(row.id)]);
    return { ...row };
  }

  async markWriteForbidden(
    channelId: string,
    eventOf: (row: ChannelRow) => OutboxEnvelope,
  ): Promise<boolean> {
    const row = this.rows.get(channelId);
    if (!row || row.status === 'write_forbidden') return false;
    Object.assign(row, { status: 'write_forbidden', can_post: 0 });
    this.outbox.add([eventOf(row)]);
    return true;
  }
}
