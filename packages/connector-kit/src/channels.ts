import type { Channel, Via } from '@integrations/contracts';
import type { MessageContext, Messaging } from '@integrations/messaging';
import type { ListFilter } from '@integrations/persistence';
import type { LifecyclePatch } from './lifecycle';
import type { LifecycleRow } from './lifecycle-store';
import type { OwnedRows } from './owned-rows.repository';

/** The columns every connector's channels table has (a chat attached through a bot, an account, ...). */
export interface ChannelColumns {
  id: string;
  chat_id: string;
  title: string;
  type: 'channel' | 'group';
  username: string | null;
  can_post: number;
  status: 'active' | 'write_forbidden' | 'error';
  is_active: number;
  label: string | null;
  last_checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A channel row as the API shows it, reached `via` the connector's bot or account. */
export function toChannel(row: ChannelColumns, via: Via): Channel {
  const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    chatId: row.chat_id,
    title: row.title,
    type: row.type,
    username: row.username,
    via,
    canPost: Boolean(row.can_post),
    status: row.status,
    isActive: Boolean(row.is_active),
    label: row.label,
    lastCheckedAt: iso(row.last_checked_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

/** A list of channels narrowed by status, pause and a text in the title, @username or chat id. */
export const channelFilter = (data: { q?: string; status?: string; isActive?: boolean }): ListFilter => ({
  status: data.status,
  isActive: data.isActive,
  search: data.q ? { text: data.q.replace(/^@/, ''), columns: ['title', 'username', 'chat_id'] } : undefined,
});

/** The state of a chat attached just now: postable, active, unnamed, checked `now`. */
export const freshChannel = (now: Date) =>
  ({
    can_post: 1,
    status: 'active',
    is_active: 1,
    label: null,
    last_checked_at: now,
    created_at: now,
    updated_at: now,
  }) as const;

/**
 * Pauses, resumes or names a channel (a paused one is kept but not sent to), each real change announced as
 * `telegram.channel.paused|resumed|updated` with the channel's `via`. Answers the channel as it is now.
 */
export async function updateChannel<Row extends ChannelColumns & LifecycleRow>(
  deps: {
    channels: Pick<OwnedRows<Row>, 'lifecycle'>;
    messaging: Pick<Messaging, 'makeEnvelope'>;
    relay: { kick(): void };
  },
  row: Row,
  patch: LifecyclePatch,
  via: Via,
  ctx: MessageContext,
): Promise<Row> {
  const { row: next } = await deps.channels.lifecycle({
    row,
    patch,
    eventPrefix: 'telegram.channel',
    eventData: { userId: row.user_id, channelId: row.id, via },
    makeEnvelope: (type, eventData) => deps.messaging.makeEnvelope(type, eventData, ctx),
  });
  deps.relay.kick();
  return next;
}
