import { createTestDatabase, type TestDatabase } from '@integrations/testing';
import { infra, waitFor } from '@integrations/testing';
import {
  createDb,
  enqueueOutbox,
  ensureDatabase,
  migrateToLatest,
  outboxMigration,
  retentionJob,
  startOutboxRelay,
  sql,
  type Kysely,
  type OutboxTable,
} from './index';

describe('persistence', () => {
  let database: TestDatabase;
  let db: Kysely<OutboxTable>;

  beforeAll(async () => {
    database = await createTestDatabase('persistence');
    db = createDb<OutboxTable>({ url: infra.mysqlUrl, database: database.name });
    await migrateToLatest(db as Kysely<unknown>, { '0001_outbox': outboxMigration });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });
  beforeEach(async () => {
    await db.deleteFrom('outbox').execute();
  });

  const envelope = (n: number) => ({
    id: `evt-${n}-${Math.random().toString(36).slice(2)}`,
    type: 'telegram.bot.connected',
    n,
  });

  it('forgets rows past their retention in small batches, only those its rule allows', async () => {
    await sql`create table retained (
      id int primary key auto_increment,
      status varchar(16) not null,
      created_at datetime(3) not null,
      index (status, created_at)
    )`.execute(db);
    const now = new Date('2026-12-02T12:00:00Z');
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const rows = [
      ...Array.from({ length: 5 }, () => ({ status: 'sent', created_at: daysAgo(40) })),
      { status: 'failed', created_at: daysAgo(31) },
      // Younger than the retention, or not finished: kept.
      { status: 'sent', created_at: daysAgo(29) },
      { status: 'queued', created_at: daysAgo(60) },
    ];
    for (const row of rows)
      await sql`insert into retained (status, created_at) values (${row.status}, ${row.created_at})`.execute(
        db,
      );
    const job = retentionJob(db as Kysely<unknown>, {
      batchSize: 2,
      rules: ['sent', 'failed'].map((status) => ({ table: 'retained', days: 30, where: { status } })),
    });
    expect(await job.sweep(now)).toEqual({ retained: 6 });
    const left = await sql<{ status: string }>`select status from retained order by id`.execute(db);
    expect(left.rows.map((r) => r.status)).toEqual(['sent', 'queued']);
    expect(await job.sweep(now)).toEqual({ retained: 0 });
    await job.stop();
    await sql`drop table retained`.execute(db);
  });

  it('migrations are idempotent and ensureDatabase tolerates an existing database', async () => {
    expect(await migrateToLatest(db as Kysely<unknown>, { '0001_outbox': outboxMigration })).toEqual([]);
    await expect(ensureDatabase(infra.mysqlUrl, database.name)).resolves.toBeUndefined();
    await expect(ensureDatabase(infra.mysqlUrl, 'bad`name')).rejects.toThrow(/invalid database name/);
  });

  it('keeps Telegram-sized ids exact (BIGINT as strings)', async () => {
    const row = await sql<{ big: string }>`select cast(-1001234567890123456 as signed) as big`.execute(db);
    expect(row.rows[0]?.big).toBe('-1001234567890123456');
  });

  it('never publishes an event whose transaction rolled back', async () => {
    const published: string[] = [];
    const relay = startOutboxRelay({
      db,
      publish: async (_x, _k, env) => void published.push((env as { id: string }).id),
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await enqueueOutbox(trx, envelope(1));
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    const kept = envelope(2);
    await db.transaction().execute((trx) => enqueueOutbox(trx, kept));
    expect(await relay.flushNow()).toBe(1);
    await relay.stop();
    expect(published).toEqual([kept.id]);
  });

  it('keeps events while the broker is down and publishes all of them, in order, once it is back', async () => {
    const events = Array.from({ length: 5 }, (_, i) => envelope(i));
    for (const e of events) await enqueueOutbox(db, e);
    let failuresLeft = 3;
    const published: string[] = [];
    const relay = startOutboxRelay({
      db,
      intervalMs: 50,
      publish: async (exchange, routingKey, env) => {
        expect([exchange, routingKey]).toEqual(['events', 'telegram.bot.connected']);
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('connection closed');
        }
        published.push((env as { id: string }).id);
      },
    });
    await waitFor('every event published', () => published.length >= events.length);
    await relay.stop();
    expect(published).toEqual(events.map((e) => e.id));
    const attempts = await db.selectFrom('outbox').select(['attempts']).orderBy('id').execute();
    expect(attempts[0]?.attempts).toBe(3);
    const pending = await db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute();
    expect(pending).toHaveLength(0);
  });

  it('two relays on one table publish every row exactly once', async () => {
    const events = Array.from({ length: 120 }, (_, i) => envelope(i));
    for (const e of events) await enqueueOutbox(db, e);
    const counts = new Map<string, number>();
    const publish = async (_x: string, _k: string, env: unknown) => {
      const id = (env as { id: string }).id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    };
    const second = createDb<OutboxTable>({ url: infra.mysqlUrl, database: database.name });
    const a = startOutboxRelay({ db, publish, batch: 7, intervalMs: 10_000 });
    const b = startOutboxRelay({ db: second, publish, batch: 7, intervalMs: 10_000 });
    await waitFor(
      'every event published once by the two relays',
      async () => {
        await Promise.all([a.flushNow(), b.flushNow()]);
        return counts.size >= events.length;
      },
      20_000,
      0,
    );
    await Promise.all([a.stop(), b.stop()]);
    await second.destroy();
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size).toBe(events.length);
  });
});
