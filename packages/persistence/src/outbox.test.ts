import { createTestDatabase, infra, type TestDatabase } from '@integrations/testing';
import {
  createDb,
  enqueueOutbox,
  migrateToLatest,
  outboxMigration,
  startOutboxRelay,
  sql,
  type Kysely,
  type OutboxTable,
} from './index';

/** The relay's batching, and what each crash between its steps leaves behind: nothing lost, nothing reordered. */
describe('outbox relay batches', () => {
  let database: TestDatabase;
  let db: Kysely<OutboxTable>;

  beforeAll(async () => {
    database = await createTestDatabase('outbox');
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

  const enqueue = async (count: number) => {
    const ids = Array.from({ length: count }, (_, i) => `evt-${i}-${Math.random().toString(36).slice(2)}`);
    for (const id of ids) await enqueueOutbox(db, { id, type: 'telegram.bot.connected' });
    return ids;
  };
  const pending = async () =>
    (await db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).length;
  const idOf = (envelope: unknown) => (envelope as { id: string }).id;

  it('publishes the first row of a batch alone, then the rest with every confirm in flight at once, in row order', async () => {
    const ids = await enqueue(6);
    const started: string[] = [];
    let inFlight = 0;
    let most = 0;
    const relay = startOutboxRelay({
      db,
      intervalMs: 60_000,
      publish: async (_x, _k, envelope) => {
        started.push(idOf(envelope));
        inFlight += 1;
        most = Math.max(most, inFlight);
        // The confirm comes back on a later turn of the event loop, as the broker's does.
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
      },
    });
    expect(await relay.flushNow()).toBe(6);
    await relay.stop();
    expect(most).toBe(5);
    expect(started).toEqual(ids);
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
    const next = startOutboxRelay({
      db,
      intervalMs: 60_000,
      publish: async (_x, _k, e) => void published.push(idOf(e)),
    });
    expect(await next.flushNow()).toBe(3);
    await next.stop();
    expect(published).toEqual([ids[0], ids[1], ids[3], ids[4], ids[2], ids[3], ids[4]]);
    expect(await pending()).toBe(0);
  });

  it('a crash after the confirms and before the commit loses nothing: the batch is published again', async () => {
    const ids = await enqueue(4);
    // The relay on a connection of its own, so that connection can be killed mid-batch (the process dying).
    const crashing = createDb<OutboxTable>({ url: infra.mysqlUrl, database: database.name, poolSize: 1 });
    const { rows } = await sql<{ id: number }>`select connection_id() as id`.execute(crashing);
    const published: string[] = [];
    const relay = startOutboxRelay({
      db: crashing,
      intervalMs: 60_000,
      publish: async (_x, _k, envelope) => {
        published.push(idOf(envelope));
        if (published.length === ids.length) await sql`kill ${sql.raw(String(rows[0]!.id))}`.execute(db);
      },
    });
    expect(await relay.flushNow()).toBe(0);
    await relay.stop();
    await crashing.destroy();
    expect(published).toEqual(ids);
    expect(await pending()).toBe(4);

    const after = startOutboxRelay({
      db,
      intervalMs: 60_000,
      publish: async (_x, _k, e) => void published.push(idOf(e)),
    });
    expect(await after.flushNow()).toBe(4);
    await after.stop();
    expect(published).toEqual([...ids, ...ids]);
    expect(await pending()).toBe(0);
  });

  it('a crash before the publishes (after the SELECT) publishes nothing, and the batch goes out once later', async () => {
    const ids = await enqueue(3);
    const published: string[] = [];
    const relay = startOutboxRelay({
      db,
      intervalMs: 60_000,
      publish: async () => {
        throw new Error('process died before publishing');
      },
    });
    expect(await relay.flushNow()).toBe(0);
    await relay.stop();
    const after = startOutboxRelay({
      db,
      intervalMs: 60_000,
      publish: async (_x, _k, e) => void published.push(idOf(e)),
    });
    expect(await after.flushNow()).toBe(3);
    await after.stop();
    expect(published).toEqual(ids);
  });
});
