import { createTestDatabase, type TestDatabase } from '@integrations/testing';
import { infra, waitFor } from '@integrations/testing';
import {
  createDb,
  enqueueOutbox,
  ensureDatabase,
  inOneTrip,
  isPassingDatabaseError,
  migrateToLatest,
  outboxInsertAfter,
  outboxLeaseMigration,
  outboxMigration,
  transactionInOneTrip,
  retentionJob,
  startOutboxRelay,
  sql,
  type Kysely,
  type OutboxPublish,
  type OutboxTable,
} from './index';

describe('persistence', () => {
  let database: TestDatabase;
  let db: Kysely<OutboxTable>;

  beforeAll(async () => {
    database = await createTestDatabase('persistence');
    db = createDb<OutboxTable>({ url: infra.mysqlUrl, database: database.name });
    await migrateToLatest(db as Kysely<unknown>, {
      '0001_outbox': outboxMigration,
      '0002_outbox_lease': outboxLeaseMigration,
    });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });
  beforeEach(async () => {
    await db.deleteFrom('outbox').execute();
  });

  /** A second pool on the test database (one connection) whose queries are recorded, whitespace folded. */
  const recordingDb = (queries: string[]) =>
    createDb<OutboxTable>({
      url: infra.mysqlUrl,
      database: database.name,
      poolSize: 1,
      log: (event) => {
        if (event.level === 'query') queries.push(event.query.sql.replace(/\s+/g, ' ').trim());
      },
    });

  const envelope = (n: number) => ({
    id: `evt-${n}-${Math.random().toString(36).slice(2)}`,
    type: 'telegram.bot.connected',
    n,
  });

  it('answers each statement of one trip: selected rows and changed rows, with or without a transaction', async () => {
    await enqueueOutbox(db, envelope(1));
    const insert = (n: number) =>
      db
        .insertInto('outbox')
        .values({ event_id: `trip-${n}`, exchange: 'events', routing_key: 'k', envelope: '{}' })
        .compile();
    const pending = db
      .selectFrom('outbox')
      .select('event_id')
      .where('published_at', 'is', null)
      .orderBy('id');
    const [inserted, selected] = await inOneTrip(db, [insert(1), pending.compile()], { transaction: false });
    expect(inserted?.affected).toBe(1n);
    expect(selected?.rows.map((row) => row.event_id)).toEqual([expect.stringMatching(/^evt-1-/), 'trip-1']);

    const [lone] = await inOneTrip(db, [pending.compile()], { transaction: false });
    expect(lone?.rows).toHaveLength(2);
    const [changed] = await inOneTrip(db, [insert(2)], { transaction: true });
    expect(changed).toEqual({ rows: [], affected: 1n });

    // A statement that fails stops the trip; in a transaction what came before it is rolled back too.
    await expect(inOneTrip(db, [insert(3), insert(1)], { transaction: true })).rejects.toThrow(/Duplicate/);
    await expect(inOneTrip(db, [insert(4), insert(1), insert(5)], { transaction: false })).rejects.toThrow(
      /Duplicate/,
    );
    const left = await db
      .selectFrom('outbox')
      .select('event_id')
      .where('event_id', 'like', 'trip-%')
      .execute();
    expect(left.map((row) => row.event_id).sort()).toEqual(['trip-1', 'trip-2', 'trip-4']);
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
    const migrations = { '0001_outbox': outboxMigration, '0002_outbox_lease': outboxLeaseMigration };
    expect(await migrateToLatest(db as Kysely<unknown>, migrations)).toEqual([]);
    // Its own work undone and done again (`if exists`, `if not exists`): a half-applied run can be repeated.
    await outboxLeaseMigration.down!(db as Kysely<unknown>);
    await outboxLeaseMigration.up(db as Kysely<unknown>);
    await outboxLeaseMigration.up(db as Kysely<unknown>);
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

  it('backs off while the broker is down, and publishes at once when told the broker is back', async () => {
    const events = Array.from({ length: 5 }, (_, i) => envelope(i));
    for (const e of events) await enqueueOutbox(db, e);
    let brokerDown = true;
    const published: string[] = [];
    const relay = startOutboxRelay({
      db,
      // No timer pass during the test: only the calls below publish.
      intervalMs: 600_000,
      publish: async (_exchange, _routingKey, env) => {
        if (brokerDown) throw new Error('connection closed');
        published.push((env as { id: string }).id);
      },
    });
    try {
      expect(await relay.flushNow()).toBe(0);
      brokerDown = false;
      // Still within its back-off: a pass is not even tried.
      expect(await relay.flushNow()).toBe(0);
      expect(published).toEqual([]);
      relay.resume();
      expect(await relay.flushNow()).toBe(events.length);
      expect(published).toEqual(events.map((e) => e.id));
    } finally {
      await relay.stop();
    }
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

  /** The relay's batching, and what each crash between its steps leaves behind: nothing lost, nothing reordered. */
  it('tells a lost connection (worth another try) from an error another try would meet again', async () => {
    const doomed = createDb<OutboxTable>({ url: infra.mysqlUrl, database: database.name, poolSize: 1 });
    try {
      const { rows } = await sql<{ id: number }>`select connection_id() as id`.execute(doomed);
      // Killed in the middle of a statement: its answer never comes, as when MariaDB restarts.
      const running = sql`select sleep(30)`.execute(doomed).catch((error: unknown) => error);
      await waitFor('the statement running', async () => {
        const { rows: listed } = await sql<{
          n: number;
        }>`select count(*) as n from information_schema.processlist
          where id = ${Number(rows[0]?.id)} and info like 'select sleep%'`.execute(db);
        return Number(listed[0]?.n) === 1;
      });
      await sql`kill ${sql.raw(String(Number(rows[0]?.id)))}`.execute(db);
      const lost = await running;
      expect(isPassingDatabaseError(lost)).toBe(true);
    } finally {
      await doomed.destroy();
    }
    const bad = await sql`select nothing from no_such_table`.execute(db).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(Error);
    expect(isPassingDatabaseError(bad)).toBe(false);
    expect(isPassingDatabaseError(Object.assign(new Error('deadlock'), { code: 'ER_LOCK_DEADLOCK' }))).toBe(
      true,
    );
    expect(isPassingDatabaseError(new Error('Pool is closed.'))).toBe(false);
  });

  describe('outbox relay batches', () => {
    const enqueue = async (count: number) => {
      const ids = Array.from({ length: count }, (_, i) => `evt-${i}-${Math.random().toString(36).slice(2)}`);
      for (const id of ids) await enqueueOutbox(db, { id, type: 'telegram.bot.connected' });
      return ids;
    };
    const pending = async () =>
      (await db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).length;
    const idOf = (envelope: unknown) => (envelope as { id: string }).id;
    /** One pass of a fresh relay (a process starting, flushing and stopping): how many rows it published. */
    const relayOnce = async (publish: OutboxPublish, on: Kysely<OutboxTable> = db) => {
      const relay = startOutboxRelay({ db: on, intervalMs: 60_000, publish });
      const count = await relay.flushNow();
      await relay.stop();
      return count;
    };
    const record =
      (into: string[]): OutboxPublish =>
      async (_x, _k, envelope) =>
        void into.push(idOf(envelope));

    it('publishes the first row of a batch alone, then the rest with every confirm in flight at once, in row order', async () => {
      const ids = await enqueue(6);
      const started: string[] = [];
      let inFlight = 0;
      let most = 0;
      const count = await relayOnce(async (_x, _k, envelope) => {
        started.push(idOf(envelope));
        inFlight += 1;
        most = Math.max(most, inFlight);
        // The confirm comes back on a later turn of the event loop, as the broker's does.
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
      });
      expect(count).toBe(6);
      expect(most).toBe(5);
      expect(started).toEqual(ids);
      expect(await pending()).toBe(0);
    });

    it('claims and marks a batch in two round trips, holding its rows locked in between', async () => {
      const ids = await enqueue(3);
      const trips: string[] = [];
      const counted = recordingDb(trips);
      const published: string[] = [];
      const locked: number[] = [];
      try {
        const count = await relayOnce(async (_x, _k, envelope) => {
          // Another relay, meanwhile, finds nothing to take: the batch is locked until its marks commit.
          if (published.length === 0) {
            const { rows } = await sql<{ n: number }>`select count(*) as n from (select id from outbox
              where published_at is null for update skip locked) free`.execute(db);
            locked.push(Number(rows[0]?.n));
          }
          published.push(idOf(envelope));
        }, counted);
        expect(count).toBe(3);
      } finally {
        await counted.destroy();
      }
      expect(published).toEqual(ids);
      expect(locked).toEqual([0]);
      // The claim opens the transaction, the marks close it; a fresh relay's first pass then prunes old rows.
      expect(trips).toHaveLength(3);
      expect(trips[0]).toMatch(
        /^set transaction isolation level read committed; start transaction; select .* for update skip locked$/,
      );
      expect(trips[1]).toMatch(/^update `outbox` set `published_at` .*; commit$/);
      expect(trips[2]).toMatch(/^delete from `outbox`/);
      expect(await pending()).toBe(0);
    });

    it('a failed publish in a batch: the rows before it are done, it and the rows after it go again, in order', async () => {
      const ids = await enqueue(5);
      const published: string[] = [];
      let failNext = true;
      const relay = startOutboxRelay({
        db,
        intervalMs: 60_000,
        publish: async (_x, _k, envelope) => {
          const id = idOf(envelope);
          if (id === ids[2] && failNext) {
            failNext = false;
            throw new Error('connection closed');
          }
          published.push(id);
        },
      });
      expect(await relay.flushNow()).toBe(2);
      expect(await pending()).toBe(3);
      const attempts = await db.selectFrom('outbox').select('attempts').orderBy('id').execute();
      expect(attempts.map((row) => row.attempts)).toEqual([0, 0, 1, 0, 0]);
      await relay.stop();
      // Another relay (a restart) sends the rest; the rows after the failure that went out are sent again.
      expect(await relayOnce(record(published))).toBe(3);
      expect(published).toEqual([ids[0], ids[1], ids[3], ids[4], ids[2], ids[3], ids[4]]);
      expect(await pending()).toBe(0);
    });

    it('a crash after the confirms and before the commit loses nothing: the batch is published again', async () => {
      const ids = await enqueue(4);
      // The relay on a connection of its own, so that connection can be killed mid-batch (the process dying).
      const crashing = createDb<OutboxTable>({ url: infra.mysqlUrl, database: database.name, poolSize: 1 });
      const { rows } = await sql<{ id: number }>`select connection_id() as id`.execute(crashing);
      const published: string[] = [];
      const crash: OutboxPublish = async (_x, _k, envelope) => {
        published.push(idOf(envelope));
        if (published.length === ids.length) await sql`kill ${sql.raw(String(rows[0]!.id))}`.execute(db);
      };
      expect(await relayOnce(crash, crashing)).toBe(0);
      await crashing.destroy();
      expect(published).toEqual(ids);
      expect(await pending()).toBe(4);
      // KILL returns before the server has rolled the killed transaction back; until then its rows stay locked and
      // the next relay skips them (SKIP LOCKED), as a live replica's would be skipped.
      await waitFor('the killed connection gone', async () => {
        const { rows: left } = await sql<{
          n: number;
        }>`select count(*) as n from information_schema.processlist
          where id = ${rows[0]!.id}`.execute(db);
        return Number(left[0]?.n) === 0;
      });

      expect(await relayOnce(record(published))).toBe(4);
      expect(published).toEqual([...ids, ...ids]);
      expect(await pending()).toBe(0);
    });

    it('a crash before the publishes (after the SELECT) publishes nothing, and the batch goes out once later', async () => {
      const ids = await enqueue(3);
      const published: string[] = [];
      const died = async () => {
        throw new Error('process died before publishing');
      };
      expect(await relayOnce(died)).toBe(0);
      expect(await relayOnce(record(published))).toBe(3);
      expect(published).toEqual(ids);
    });
  });
  /** A writer's own rows (a settled message's event): published by the writer, the relay only as a fallback. */
  describe('outbox hand-off', () => {
    const idOf = (envelope: unknown) => (envelope as { id: string }).id;
    const handed = (env: { id: string; type: string }) => ({
      envelope: env,
      exchange: 'events' as const,
      routingKey: env.type,
    });
    /** What a writer does: its event's row written (leased for `leaseMs`) in its own transaction. */
    const write = (env: { id: string; type: string }, leaseMs: number | undefined, on = db) =>
      transactionInOneTrip(on, [outboxInsertAfter(on, env, false, leaseMs)]);
    const rowOf = async (env: { id: string }) =>
      db
        .selectFrom('outbox')
        .select(['published_at', 'leased_until'])
        .where('event_id', '=', env.id)
        .executeTakeFirstOrThrow();
    /** A broker that refuses every publish until `up()`, and what it took since. */
    const brokerDownUntilUp = () => {
      let down = true;
      const published: string[] = [];
      const publish: OutboxPublish = async (_x, _k, env) => {
        if (down) throw new Error('connection closed');
        published.push(idOf(env));
      };
      return { publish, published, up: () => void (down = false) };
    };
    /** A publish that holds the relay's pass (and what its claim locked) until `release()`. */
    const heldPublish = () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let claimed!: () => void;
      const inPass = new Promise<void>((resolve) => (claimed = resolve));
      const hold = async () => {
        claimed();
        await held;
      };
      return { hold, inPass, release: () => release() };
    };

    it('a leased row is left alone by the relay; handed off, it is published once and marked in one trip', async () => {
      const trips: string[] = [];
      const counted = recordingDb(trips);
      const published: string[] = [];
      const relay = startOutboxRelay({
        db: counted,
        intervalMs: 600_000,
        publish: async (_x, _k, env) => void published.push(idOf(env)),
      });
      const events = [envelope(1), envelope(2), envelope(3)];
      try {
        for (const env of events) await write(env, relay.leaseMs());
        // The relay's own pass (its prune aside) takes none of them: they are their writer's.
        expect(await relay.flushNow()).toBe(0);
        expect(published).toEqual([]);
        trips.length = 0;
        relay.handOff(events.map(handed));
        await relay.stop();
      } finally {
        await counted.destroy();
      }
      expect(published).toEqual(events.map((e) => e.id));
      // No claim: the three confirmed rows are marked together, in one statement.
      expect(trips).toHaveLength(1);
      expect(trips[0]).toMatch(
        /^update `outbox` set `published_at` = current_timestamp\(3\), `leased_until` = \? where `event_id` in \(\?, \?, \?\)$/,
      );
      for (const env of events) {
        expect(await rowOf(env)).toEqual({ published_at: expect.any(Date), leased_until: null });
      }
    });

    it('marks the hand-offs of its window together, however far apart their confirms came', async () => {
      const queries: string[] = [];
      const counted = recordingDb(queries);
      const marks = () => queries.filter((query) => query.startsWith('update `outbox`'));
      const published: string[] = [];
      const relay = startOutboxRelay({
        db: counted,
        intervalMs: 600_000,
        // A window longer than the test: the marks wait for it, or for the stop.
        markWindowMs: 600_000,
        publish: async (_x, _k, env) => void published.push(idOf(env)),
      });
      const events = [envelope(1), envelope(2), envelope(3)];
      try {
        for (const env of events) {
          await write(env, relay.leaseMs());
          relay.handOff([handed(env)]);
          // Each confirmed before the next is even written.
          await waitFor('published', () => published.includes(env.id));
        }
        expect(marks()).toEqual([]);
      } finally {
        // A stop writes the marks waiting out their window.
        await relay.stop();
        await counted.destroy();
      }
      expect(marks()).toHaveLength(1);
      expect(marks()[0]).toMatch(/where `event_id` in \(\?, \?, \?\)$/);
      for (const env of events) expect((await rowOf(env)).published_at).toEqual(expect.any(Date));
    });

    it("a relay's pass does not hold up writers: an event written while it waits for its confirms goes in at once", async () => {
      await write(envelope(1), undefined);
      const { hold, inPass, release } = heldPublish();
      const relay = startOutboxRelay({ db, intervalMs: 600_000, publish: hold });
      const writer = createDb<OutboxTable>({ url: infra.mysqlUrl, database: database.name, poolSize: 1 });
      const pass = relay.flushNow();
      try {
        await inPass;
        // A lock wait (the gap after the pending rows, locked at REPEATABLE READ) fails this after a second.
        await sql`set session innodb_lock_wait_timeout = 1`.execute(writer);
        const next = envelope(2);
        await write(next, 60_000, writer);
        expect((await rowOf(next)).published_at).toBeNull();
      } finally {
        release();
        await pass;
        await relay.stop();
        await writer.destroy();
      }
    });

    it('a hand-off that fails while a relay pass is under way: that pass does not end the catching up', async () => {
      const relays = envelope(1);
      await write(relays, undefined);
      const { hold, inPass, release } = heldPublish();
      const relay = startOutboxRelay({
        db,
        intervalMs: 600_000,
        publish: async (_x, _k, env) => {
          if (idOf(env) !== relays.id) throw new Error('nacked');
          await hold();
        },
      });
      try {
        const pass = relay.flushNow();
        await inPass;
        const failing = envelope(2);
        await write(failing, relay.leaseMs());
        relay.handOff([handed(failing)]);
        await waitFor('given back to the relay', async () => (await rowOf(failing)).leased_until === null);
        release();
        // The pass claimed before the failure and publishes all it holds, but the failed event is not among them.
        expect(await pass).toBe(1);
        expect(relay.leaseMs()).toBeUndefined();
      } finally {
        release();
        await relay.stop();
      }
    });

    it('tells writers not to lease while the broker is away: their rows wait for the relay', async () => {
      let connected = false;
      const relay = startOutboxRelay({
        db,
        intervalMs: 600_000,
        connected: () => connected,
        publish: async () => undefined,
      });
      try {
        expect(relay.leaseMs()).toBeUndefined();
        connected = true;
        expect(relay.leaseMs()).toBe(60_000);
      } finally {
        await relay.stop();
      }
    });

    it('a row leased before a failure is given back to the relay, not published past the events it holds', async () => {
      const broker = brokerDownUntilUp();
      const { published } = broker;
      const relay = startOutboxRelay({ db, intervalMs: 600_000, publish: broker.publish });
      try {
        // Both leased while all was well; the second is handed off only after the first failed.
        const first = envelope(1);
        const second = envelope(2);
        await write(first, relay.leaseMs());
        await write(second, relay.leaseMs());
        relay.handOff([handed(first)]);
        await waitFor('the first given back', async () => (await rowOf(first)).leased_until === null);
        broker.up();
        relay.handOff([handed(second)]);
        await waitFor('the second given back', async () => (await rowOf(second)).leased_until === null);
        expect(published).toEqual([]);
        relay.resume();
        expect(await relay.flushNow()).toBe(2);
        expect(published).toEqual([first.id, second.id]);
      } finally {
        await relay.stop();
      }
    });

    it('a writer that died after its commit: the relay publishes its row once the lease has ended', async () => {
      const published: string[] = [];
      const relay = startOutboxRelay({
        db,
        intervalMs: 600_000,
        leaseMs: 200,
        publish: async (_x, _k, env) => void published.push(idOf(env)),
      });
      try {
        const orphan = envelope(1);
        await write(orphan, relay.leaseMs());
        expect(await relay.flushNow()).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await relay.flushNow()).toBe(1);
        expect(published).toEqual([orphan.id]);
      } finally {
        await relay.stop();
      }
    });

    it('a failed hand-off goes to the relay, in order with what it holds; writers lease again once it caught up', async () => {
      const broker = brokerDownUntilUp();
      const { published } = broker;
      const relay = startOutboxRelay({ db, intervalMs: 600_000, publish: broker.publish });
      try {
        const first = envelope(1);
        await write(first, relay.leaseMs());
        relay.handOff([handed(first)]);
        await waitFor('the failed hand-off released to the relay', async () => {
          const row = await rowOf(first);
          return row.leased_until === null && relay.leaseMs() === undefined;
        });
        // While the relay holds an event, a writer does not lease: its row waits behind, in order.
        const second = envelope(2);
        await write(second, relay.leaseMs());
        expect(await rowOf(second)).toEqual({ published_at: null, leased_until: null });
        broker.up();
        relay.resume();
        expect(await relay.flushNow()).toBe(2);
        expect(published).toEqual([first.id, second.id]);
        expect(relay.leaseMs()).toBe(60_000);
      } finally {
        await relay.stop();
      }
    });
  });
});
