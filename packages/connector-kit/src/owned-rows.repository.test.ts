import { createDb, sql, type Kysely, type OutboxTable } from '@integrations/persistence';
import { createTestDatabase, infra, type TestDatabase } from '@integrations/testing';
import type { LifecycleRow } from './lifecycle-store';
import { ownedTable } from './migrations';
import { OwnedRowsRepository } from './owned-rows.repository';

type Row = LifecycleRow & { name: string };

describe('OwnedRowsRepository lookups (against MariaDB)', () => {
  let database: TestDatabase;
  let db: Kysely<OutboxTable>;

  beforeAll(async () => {
    database = await createTestDatabase('owned');
    // One connection, so that its session's `Questions` counts every statement the repository sends.
    db = createDb<OutboxTable>({ url: infra.mysqlUrl, database: database.name, poolSize: 1 });
    await ownedTable(
      db as Kysely<unknown>,
      'things',
      (t) =>
        t
          .addColumn('name', 'varchar(64)', (c) => c.notNull())
          .addColumn('is_active', 'boolean', (c) => c.notNull().defaultTo(true))
          .addColumn('label', 'varchar(100)'),
      { name: 'things_name', columns: ['user_id', 'name'] },
    );
    for (const n of [1, 2, 3, 4])
      await sql`insert into things (id, user_id, name) values (${`t${n}`}, 'u1', ${`n${n}`})`.execute(db);
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  const questions = async (): Promise<number> => {
    const { rows } = await sql<{ Value: string }>`show session status like 'Questions'`.execute(db);
    return Number(rows[0]?.Value);
  };

  it('reads the lookups of one phase in one SELECT, each caller getting its own row (or none)', async () => {
    const repository = new OwnedRowsRepository<Row>(db, 'things');
    const before = await questions();
    const asked = ['t3', 't1', 'missing', 't3', 't4'];
    const found = await Promise.all(asked.map((id) => repository.byId(id)));
    expect((await questions()) - before - 1).toBe(1);
    expect(found.map((row) => row?.name)).toEqual(['n3', 'n1', undefined, 'n3', 'n4']);
    // Two callers of the same id do not share one object.
    expect(found[0]).not.toBe(found[3]);
    expect(await repository.byId('t2')).toMatchObject({ id: 't2', user_id: 'u1', name: 'n2' });
  });
});
