import {
  createDb,
  migrateToLatest,
  outboxLeaseMigration,
  outboxMigration,
  sql,
  type Kysely,
  type OutboxTable,
} from '@integrations/persistence';
import { createTestDatabase, infra, type TestDatabase } from '@integrations/testing';
import { messagesTable } from './migrations';
import { MessagesRepository, type LedgerRow, type LedgerValues } from './messages.repository';

type Row = LedgerRow & { replica: string | null; sender_id: string | null };
interface Sender {
  id: string;
  user_id: string;
  is_active: number;
  label: string | null;
  status: string;
  updated_at: Date;
}

const N = 10;
const ids = Array.from({ length: N }, (_, i) => `m${String(i).padStart(2, '0')}`);

describe('MessagesRepository (group commit, against MariaDB)', () => {
  let trips = 0;
  let database: TestDatabase;
  let db: Kysely<OutboxTable>;
  let repository: MessagesRepository<Row, Sender>;

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
      '0001_outbox_lease': outboxLeaseMigration,
      '0002_messages': {
        up: (m) =>
          messagesTable(m, 'messages', {
            columns: (t) => t.addColumn('replica', 'varchar(36)').addColumn('sender_id', 'varchar(36)'),
            chatId: { type: 'varchar(64)', notNull: false },
            statuses: ['queued', 'sending', 'sent', 'failed'],
            errorCodeLength: 64,
            errorDetailLength: 512,
          }),
      },
      '0003_senders': {
        up: (m) =>
          m.schema
            .createTable('senders')
            .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
            .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
            .addColumn('is_active', sql`tinyint`, (c) => c.notNull().defaultTo(1))
            .addColumn('label', 'varchar(64)')
            .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('active'))
            .addColumn('updated_at', 'datetime(3)', (c) => c.notNull().defaultTo(sql`current_timestamp(3)`))
            .execute(),
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
    await sql`delete from senders`.execute(db);
    await sql`insert into senders (id, user_id, is_active, status) values
      ('s1', 'u1', 1, 'active'), ('paused', 'u1', 0, 'active'), ('theirs', 'u2', 1, 'active'),
      ('revoked', 'u1', 1, 'revoked')`.execute(db);
    repository = new MessagesRepository<Row, Sender>(db, 'messages', {
      table: 'senders',
      column: 'sender_id',
      refusedWhen: { column: 'status', values: ['revoked'] },
    });
  });

  const values = (id: string, user = 'u1', sender = 's1'): LedgerValues<Row> => ({
    id,
    user_id: user,
    replica: null,
    sender_id: sender,
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

  it('writes a settled event leased to its writer when asked, in the same one trip', async () => {
    await repository.insert(values('m1'));
    await repository.claim('m1', { replica: 'r1' });
    expect(await tripsOf(() => repository.settle('m1', { status: 'sent' }, event('m1'), true, 60_000))).toBe(
      1,
    );
    await repository.settle('m1', { status: 'failed' }, event('m1-again'), false);
    const { rows } = await sql<{ event_id: string; leased: number }>`
      select event_id, leased_until > current_timestamp(3) + interval 50 second as leased
      from outbox order by event_id`.execute(db);
    expect(rows.map((r) => [r.event_id, r.leased])).toEqual([
      ['evt-m1', 1],
      ['evt-m1-again', null],
    ]);
    // What a settle tried again asks: did the try whose answer was lost commit, and who publishes its event?
    expect(await repository.eventState('evt-m1')).toBe('leased');
    expect(await repository.eventState('evt-m1-again')).toBe('pending');
    expect(await repository.eventState('evt-never')).toBe('missing');
    await sql`update outbox set published_at = current_timestamp(3) where event_id = 'evt-m1'`.execute(db);
    expect(await repository.eventState('evt-m1')).toBe('published');
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

  describe('accepts and claims that read their sender in the same trip', () => {
    it("inserts only through the user's own active sender, in one trip, and answers the sender", async () => {
      let answer;
      expect(await tripsOf(async () => (answer = await repository.insertIfSenderAllows(values('m1'))))).toBe(
        1,
      );
      expect(answer).toMatchObject({
        outcome: 'inserted',
        sender: { id: 's1', user_id: 'u1', is_active: 1 },
      });
      // Paused, another user's, missing, or refused by its status: nothing written, the sender as read.
      const refused = await Promise.all([
        repository.insertIfSenderAllows(values('m2', 'u1', 'paused')),
        repository.insertIfSenderAllows(values('m3', 'u1', 'theirs')),
        repository.insertIfSenderAllows(values('m4', 'u1', 'gone')),
        repository.insertIfSenderAllows(values('m5', 'u1', 'revoked')),
      ]);
      expect(refused).toEqual([
        { outcome: 'refused', sender: expect.objectContaining({ id: 'paused', is_active: 0 }) },
        { outcome: 'refused', sender: expect.objectContaining({ id: 'theirs', user_id: 'u2' }) },
        { outcome: 'refused', sender: undefined },
        { outcome: 'refused', sender: expect.objectContaining({ id: 'revoked', status: 'revoked' }) },
      ]);
      // The owner and the sender exactly: the columns' collation would take 'U1' for 'u1' and 'S1' for 's1'.
      expect(await repository.insertIfSenderAllows(values('m6', 'U1'))).toMatchObject({ outcome: 'refused' });
      expect(await repository.insertIfSenderAllows(values('m7', 'u1', 'S1'))).toEqual({
        outcome: 'refused',
        sender: undefined,
      });
      expect(await repository.insertIfSenderAllows(values('m1'))).toEqual({ outcome: 'duplicate' });
      expect(await statuses()).toEqual({ m1: 'queued/u1' });
    });

    it('accepts N concurrent sends in one trip, each answered for its own row', async () => {
      await repository.insert(values('m05', 'first'));
      const batch = ids.map((id, i) => values(id, 'u1', i === 2 ? 'paused' : 's1'));
      // The batch's transaction meets m05 taken and is rolled back whole, then accepted row by row.
      const result = await Promise.all(batch.map((v) => repository.insertIfSenderAllows(v)));
      expect(result.map((r) => r.outcome)).toEqual(
        ids.map((id, i) => (i === 2 ? 'refused' : id === 'm05' ? 'duplicate' : 'inserted')),
      );
      expect(Object.keys(await statuses())).toEqual(ids.filter((_, i) => i !== 2));

      await sql`delete from messages`.execute(db);
      const again = await tripsOf(() => Promise.all(batch.map((v) => repository.insertIfSenderAllows(v))));
      expect(again).toBe(1);
      expect(Object.keys(await statuses())).toEqual(ids.filter((_, i) => i !== 2));
    });

    it('claims with the sender read in the same trip, alone and in a batch', async () => {
      for (const id of ids) await repository.insert(values(id));
      await sql`update senders set is_active = 0 where id = 's1'`.execute(db);
      let alone;
      expect(await tripsOf(async () => (alone = await repository.claimReadingSender('m00', 's1', {})))).toBe(
        1,
      );
      expect(alone).toEqual({ claimed: true, sender: expect.objectContaining({ id: 's1', is_active: 0 }) });

      let batch: unknown[] = [];
      const trips = await tripsOf(async () => {
        batch = await Promise.all([
          repository.claimReadingSender('m00', 's1', {}),
          repository.claimReadingSender('m01', 'theirs', {}),
          repository.claimReadingSender('m02', 'gone', {}),
          repository.claim('m03', {}),
        ]);
      });
      expect(trips).toBe(1);
      expect(batch).toEqual([
        { claimed: false, sender: expect.objectContaining({ id: 's1' }) },
        { claimed: true, sender: expect.objectContaining({ id: 'theirs' }) },
        { claimed: true, sender: undefined },
        true,
      ]);
    });
  });
});
