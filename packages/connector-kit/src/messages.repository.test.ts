import {
  createDb,
  migrateToLatest,
  outboxMigration,
  sql,
  type Kysely,
  type OutboxTable,
} from '@integrations/persistence';
import { createTestDatabase, infra, type TestDatabase } from '@integrations/testing';
import { messagesTable } from './migrations';
import { MessagesRepository, type LedgerRow, type LedgerValues } from './messages.repository';

type Row = LedgerRow & { replica: string | null };

const N = 10;
const ids = Array.from({ length: N }, (_, i) => `m${String(i).padStart(2, '0')}`);

describe('MessagesRepository (group commit, against MariaDB)', () => {
  let trips = 0;
  let database: TestDatabase;
  let db: Kysely<OutboxTable>;
  let repository: MessagesRepository<Row>;

  beforeAll(async () => {
    database = await createTestDatabase('ledger');
    // One connection, so that its session's `Questions` counts every statement the repository sends; the log
    // counts the queries (round trips) that carry them.
    db = createDb<OutboxTable>({
      url: infra.mysqlUrl,
      database: database.name,
      poolSize: 1,
      log: (event) => {
        if (event.level === 'query') trips += 1;
      },
    });
    await migrateToLatest(db as Kysely<unknown>, {
      '0001_outbox': outboxMigration,
      '0002_messages': {
        up: (m) =>
          messagesTable(m, 'messages', {
            columns: (t) => t.addColumn('replica', 'varchar(36)'),
            chatId: { type: 'varchar(64)', notNull: false },
            statuses: ['queued', 'sending', 'sent', 'failed'],
            errorCodeLength: 64,
            errorDetailLength: 512,
          }),
      },
    });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });
  beforeEach(async () => {
    await sql`delete from messages`.execute(db);
    await db.deleteFrom('outbox').execute();
    repository = new MessagesRepository<Row>(db, 'messages');
  });

  const values = (id: string, user = 'u1'): LedgerValues<Row> => ({
    id,
    user_id: user,
    replica: null,
    channel_id: null,
    chat_id: '42',
    request: '{"text":"hi"}',
    context: null,
    status: 'queued',
    telegram_message_id: null,
    error_code: null,
    error_detail: null,
    sent_at: null,
  });

  const questions = async (): Promise<number> => {
    const { rows } = await sql<{ Value: string }>`show session status like 'Questions'`.execute(db);
    return Number(rows[0]?.Value);
  };
  /** The statements `work` sent (the SHOW that reads the counter counts itself). */
  const statementsOf = async <T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> => {
    const before = await questions();
    const result = await work();
    return { result, statements: (await questions()) - before - 1 };
  };
  /** The queries sent to the server while `work` runs (the status query that follows is not counted). */
  const tripsOf = async <T>(work: () => Promise<T>): Promise<number> => {
    const before = trips;
    await work();
    return trips - before;
  };
  const statuses = async () => {
    const rows = await sql<{ id: string; status: string; user_id: string }>`
      select id, status, user_id from messages order by id`.execute(db);
    return Object.fromEntries(rows.rows.map((r) => [r.id, `${r.status}/${r.user_id}`]));
  };
  const event = (id: string) => ({ id: `evt-${id}`, type: 'telegram.message.sent' });
  const outboxIds = async () =>
    (await db.selectFrom('outbox').select('event_id').orderBy('event_id').execute()).map((r) => r.event_id);

  it('writes a lone accept, claim and settle as it always did', async () => {
    expect(await statementsOf(() => repository.insert(values('m1')))).toEqual({
      result: true,
      statements: 1,
    });
    expect(await statementsOf(() => repository.claim('m1', { replica: 'r1' }))).toEqual({
      result: true,
      statements: 1,
    });
    expect(await statementsOf(() => repository.settle('m1', { status: 'sent' }, event('m1'), true))).toEqual({
      result: true,
      statements: 4,
    });
    // `start transaction`, the UPDATE, the event's INSERT and `commit`, in one query.
    expect(await tripsOf(() => repository.settle('m1', { status: 'failed' }, event('m1-again'), false))).toBe(
      1,
    );
    expect(await outboxIds()).toEqual(['evt-m1', 'evt-m1-again']);
  });

  it('accepts N concurrent sends in one INSERT', async () => {
    const { result, statements } = await statementsOf(() =>
      Promise.all(ids.map((id) => repository.insert(values(id)))),
    );
    expect(result).toEqual(ids.map(() => true));
    expect(statements).toBe(1);
    expect(Object.keys(await statuses())).toEqual(ids);
  });

  it('tells each caller of a batch with a duplicate in the middle whether its own row was inserted', async () => {
    await repository.insert(values('m05', 'first'));
    const batch = [...ids.slice(0, 7), 'm03', ...ids.slice(7)];
    const result = await Promise.all(batch.map((id) => repository.insert(values(id, 'second'))));
    // m05 was taken before; the second m03 of the batch finds the first one.
    expect(result).toEqual(batch.map((id, i) => id !== 'm05' && i !== 7));
    const rows = await statuses();
    expect(Object.keys(rows)).toEqual(ids);
    expect(rows.m05).toBe('queued/first');
    expect(rows.m03).toBe('queued/second');
  });

  it('claims N concurrent sends in one trip, and says false only for the row claimed before', async () => {
    for (const id of ids) await repository.insert(values(id));
    const five = () => Promise.all(ids.slice(0, 5).map((id) => repository.claim(id, {})));
    // `start transaction`, an UPDATE per row and `commit`, in one query.
    expect(await tripsOf(five)).toBe(1);
    for (const id of ids.slice(0, 5)) await repository.requeue(id);
    expect(await statementsOf(five)).toEqual({ result: [true, true, true, true, true], statements: 7 });

    // m07 is claimed by another replica first; the same id asked twice in a batch is claimed once.
    await repository.claim('m07', { replica: 'other' });
    const rest = [...ids.slice(5), 'm06'];
    const result = await Promise.all(rest.map((id) => repository.claim(id, { replica: 'r1' })));
    expect(result).toEqual([true, true, false, true, true, false]);
    expect(Object.values(await statuses())).toEqual(ids.map(() => 'sending/u1'));
    const { rows } = await sql<{ id: string }>`select id from messages where replica = 'other'`.execute(db);
    expect(rows.map((r) => r.id)).toEqual(['m07']);
  });

  it('settles N concurrent sends in one transaction, with no event for a row that moved on', async () => {
    for (const id of ids) {
      await repository.insert(values(id));
      await repository.claim(id, {});
    }
    await repository.settle('m04', { status: 'failed' }, event('m04-failed'), true);
    const before = trips;
    const { result, statements } = await statementsOf(() =>
      Promise.all(ids.map((id) => repository.settle(id, { status: 'sent' }, event(id), true))),
    );
    expect(result).toEqual(ids.map((id) => id !== 'm04'));
    // `start transaction`, an UPDATE and an event INSERT a row, `commit`, all in one query (alone: one query each).
    expect(statements).toBe(2 * N + 2);
    expect(trips - before).toBe(1 + 2); // the settles, and the two `Questions` reads around them
    expect(await outboxIds()).toEqual(
      [...ids.filter((id) => id !== 'm04').map((id) => `evt-${id}`), 'evt-m04-failed'].sort(),
    );
    const rows = await statuses();
    expect(rows.m04).toBe('failed/u1');
    expect(Object.values(rows).filter((s) => s === 'sent/u1')).toHaveLength(N - 1);
  });

  it('settles a batch whose rows did not need to be sending, and rolls back none of it for one bad row', async () => {
    for (const id of ids.slice(0, 3)) await repository.insert(values(id));
    const result = await Promise.allSettled([
      repository.settle('m00', { status: 'failed' }, event('m00'), false),
      // Too long for its column: this settle fails alone, the others are written one by one.
      repository.settle('m01', { status: 'failed', error_code: 'X'.repeat(100) }, event('m01'), false),
      repository.settle('m02', { status: 'failed' }, event('m02'), false),
    ]);
    expect(result.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await outboxIds()).toEqual(['evt-m00', 'evt-m02']);
    expect((await statuses()).m01).toBe('queued/u1');
  });
});
