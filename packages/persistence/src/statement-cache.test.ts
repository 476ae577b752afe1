import { Kysely, MysqlDialect, sql } from 'kysely';
import { StatementCache } from './statement-cache';

interface Database {
  messages: { id: string; user_id: string; status: string; sent_at: Date | null; request: string | null };
}

// Compiling needs the dialect only: no connection is ever made.
const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool: {} as never }) });

describe('StatementCache', () => {
  const update = (cache: StatementCache, builds: { n: number }, id: string, patch: object) =>
    cache.compile('update', { id, patch }, (v) => {
      builds.n += 1;
      return db
        .updateTable('messages')
        .set({ ...(v.patch as { status: string }), request: null })
        .where('id', '=', v.id)
        .where('status', '=', 'sending');
    });

  it('builds a shape once and fills each call’s values in, constants kept', () => {
    const cache = new StatementCache(false);
    const builds = { n: 0 };
    const sentAt = new Date('2026-12-04T00:00:00Z');
    const first = update(cache, builds, 'm1', { status: 'sent', sent_at: sentAt });
    const second = update(cache, builds, 'm2', { status: 'failed', sent_at: null });
    expect(builds.n).toBe(1);
    expect(second.sql).toBe(first.sql);
    // The builder's own constants (`request: null`, `'sending'`) stay where Kysely put them.
    expect(first.parameters).toEqual(['sent', sentAt, null, 'm1', 'sending']);
    expect(second.parameters).toEqual(['failed', null, null, 'm2', 'sending']);
    // What a fresh compile of the same statement gives.
    expect(second.parameters).toEqual(
      db
        .updateTable('messages')
        .set({ status: 'failed', sent_at: null, request: null })
        .where('id', '=', 'm2')
        .where('status', '=', 'sending')
        .compile().parameters,
    );
  });

  it('compiles anew for other columns, another list length or an undefined value', () => {
    const cache = new StatementCache(false);
    const builds = { n: 0 };
    update(cache, builds, 'm1', { status: 'sent' });
    update(cache, builds, 'm1', { status: 'sent', sent_at: null });
    update(cache, builds, 'm1', { sent_at: null, status: 'sent' });
    update(cache, builds, 'm1', { status: 'sent', sent_at: undefined });
    expect(builds.n).toBe(4);

    const list = (ids: string[]) =>
      cache.compile('list', ids, (v) => db.selectFrom('messages').selectAll().where('id', 'in', v));
    expect(list(['a', 'b']).sql).toContain('in (?, ?)');
    expect(list(['c', 'd', 'e'])).toMatchObject({ parameters: ['c', 'd', 'e'] });
    expect(list(['c', 'd', 'e']).sql).toContain('in (?, ?, ?)');
    expect(list(['x', 'y']).parameters).toEqual(['x', 'y']);
  });

  it('under verify, refuses a name that hides a second shape (a value that decides the SQL)', () => {
    const cache = new StatementCache(true);
    const byFlag = (onlySending: boolean) =>
      cache.compile('flagged', { id: 'm1', onlySending }, (v) =>
        v.onlySending
          ? db.selectFrom('messages').selectAll().where('id', '=', v.id).where('status', '=', 'sending')
          : db.selectFrom('messages').selectAll().where('id', '=', v.id),
      );
    // The slot of `onlySending` is an object, so the first build took the `true` branch for both.
    expect(() => byFlag(true)).not.toThrow();
    expect(() => byFlag(false)).toThrow(/does not match a fresh compile/);

    const raw = (at: string) =>
      cache.compile('raw', { at }, (v) => ({ compile: () => sql`select ${v.at} as at`.compile(db) }));
    expect(raw('2026').parameters).toEqual(['2026']);
  });
});
