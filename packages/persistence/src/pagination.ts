import { DomainError } from '@integrations/contracts';
import type { Kysely, Selectable } from 'kysely';

/** Who lists: their own rows, or everyone's for an admin. */
export interface ListCaller {
  userId: string;
  admin?: boolean;
}

/** Cursor pagination, newest first, by (created_at, id): an opaque base64url of both. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([new Date(createdAt).toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): [Date, string] | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(at)))
      return [new Date(at), id];
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'The cursor is not valid.', {
    errors: [{ path: '/cursor', message: 'is not a cursor of this list' }],
  });
}

type OwnedRow = { id: string; user_id: string; created_at: Date; status: string };

/** What a list may be narrowed to: one status, and a text found in any of some columns (case as collated). */
export interface ListFilter {
  status?: string;
  /** Only active (true) or paused (false) rows; tables with an `is_active` column only. */
  isActive?: boolean;
  search?: { text: string; columns: string[] };
}

/** `LIKE` takes `%`, `_` and the escape character literally only when escaped. */
export const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of the caller's rows of any table with `id`, `user_id` and `created_at` (everyone's for an admin),
 * newest first with keyset pagination: the same lists for every service.
 */
export async function listPage<DB, T extends keyof DB & string, Item>(
  db: Kysely<DB>,
  table: T,
  caller: ListCaller,
  data: { limit: number; cursor?: string },
  toItem: (row: Selectable<DB[T]>) => Item,
  filter: ListFilter = {},
): Promise<{ items: Item[]; nextCursor: string | null }> {
  const after = decodeCursor(data.cursor);
  // Any table with the owned columns; Kysely cannot type a table chosen at run time.
  const owned = db as unknown as Kysely<{ owned: OwnedRow & Record<string, string> }>;
  let query = owned.selectFrom(table as 'owned').selectAll();
  if (!caller.admin) query = query.where('user_id', '=', caller.userId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.isActive !== undefined) query = query.where('is_active', '=', filter.isActive ? '1' : '0');
  const search = filter.search;
  if (search && search.text.trim()) {
    const pattern = likePattern(search.text.trim());
    query = query.where((eb) => eb.or(search.columns.map((column) => eb(column, 'like', pattern))));
  }
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
    .execute()) as (OwnedRow & Selectable<DB[T]>)[];
  const page = rows.slice(0, data.limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > data.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
