import { createDb, sql, type Kysely } from '@integrations/persistence';
import { createTestDatabase, infra, type TestDatabase } from '@integrations/testing';
import { randomUUID } from 'node:crypto';
import { shardOf, shardOfColumn } from './shard-leases';

/** The session gauges and restores select a shard's accounts in SQL: it must be the shard commands go to. */
describe('shardOfColumn', () => {
  let database: TestDatabase;
  let db: Kysely<{ users: { user_id: string } }>;

  beforeAll(async () => {
    database = await createTestDatabase('shardsql');
    db = createDb({ url: infra.mysqlUrl, database: database.name });
    await sql`create table users (user_id varchar(64) not null)`.execute(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('puts every user in the same shard as shardOf, for several shard counts', async () => {
    const ids = [
      ...Array.from({ length: 200 }, () => randomUUID()),
      'dev-user',
      'ünïcode-user',
      'a'.repeat(64),
    ];
    await db
      .insertInto('users')
      .values(ids.map((user_id) => ({ user_id })))
      .execute();
    for (const shards of [1, 3, 8, 64]) {
      const rows = await db
        .selectFrom('users')
        .select(['user_id', shardOfColumn('user_id', shards).as('shard')])
        .execute();
      const mismatched = rows.filter((row) => Number(row.shard) !== shardOf(row.user_id, shards));
      expect([shards, mismatched]).toEqual([shards, []]);
    }
  });
});
