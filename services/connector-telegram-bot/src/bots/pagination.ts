import type { Kysely } from '@integrations/persistence';
import type { BotDatabase } from '../db/schema';
import type { Caller } from './bot-repository';
import { decodeCursor, encodeCursor } from './bot-repository';

type Owned = 'telegram_bots' | 'telegram_channels';

/**
 * One page of the caller's rows (everyone's for an admin), newest first by (created_at, id), with an opaque
 * cursor: the same keyset pagination for every list of this service.
 */
export async function listPage<T extends Owned, Item>(
  db: Kysely<BotDatabase>,
  table: T,
  caller: Caller,
  data: { limit: number; cursor?: string },
  toItem: (row: BotDatabase[T] & { id: string; created_at: Date }) => Item,
): Promise<{ items: Item[]; nextCursor: string | null }> {
  const after = decodeCursor(data.cursor);
  // The two tables share the columns used here; Kysely cannot see that through the union of table names.
  const owned = db as unknown as Kysely<{ owned: { id: string; user_id: string; created_at: Date } }>;
  let query = owned.selectFrom(table as unknown as 'owned').selectAll();
  if (!caller.admin) query = query.where('user_id', '=', caller.userId);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after[0]),
        eb.and([eb('created_at', '=', after[0]), eb('id', '<', after[1])]),
      ]),
    );
  }
  const rows = (await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(data.limit + 1)
    .execute()) as (BotDatabase[T] & {
    id: string;
    created_at: Date;
  })[];
  const page = rows.slice(0, data.limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > data.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
