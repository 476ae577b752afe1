import { createDb, migrateToLatest, sql, type Kysely } from '@integrations/persistence';
import { createTestDatabase, infra, type TestDatabase } from '@integrations/testing';
import { migrations } from './index';

/** Rows written before 0008 keep their meaning: platform and resource from their type and event. */
describe('migration 0008_logs_by_platform', () => {
  let database: TestDatabase;
  let db: Kysely<unknown>;

  beforeAll(async () => {
    database = await createTestDatabase('audit_mig');
    db = createDb<unknown>({ url: infra.mysqlUrl, database: database.name, poolSize: 1 });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('fills platform and resource from integration_type and the event type, and drops the enum', async () => {
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0008'));
    await migrateToLatest(db, before);
    const old = [
      ['e-1', 'telegram.bot.connected', 'telegram_bot'],
      ['e-2', 'telegram.message.sent', 'telegram_account'],
      ['e-3', 'telegram.channel.attached', 'telegram_channel'],
      ['e-4', 'security.key.rotated', 'security'],
      ['e-5', 'platform.user.purged', 'security'],
      // An older version labelled any unknown resource a bot.
      ['e-6', 'platform.user.purged', 'telegram_bot'],
    ];
    for (const [id, type, integration] of old)
      await sql`insert into integration_logs (event_id, event_type, user_id, integration_type, action, status, details, created_at)
        values (${id}, ${type}, 'u-1', ${integration}, 'x', 'success', '{}', now())`.execute(db);

    await migrateToLatest(db, migrations);

    const rows = await sql<{ event_id: string; platform: string; resource: string }>`
      select event_id, platform, resource from integration_logs order by event_id`.execute(db);
    expect(rows.rows.map((r) => [r.event_id, r.platform, r.resource])).toEqual([
      ['e-1', 'telegram', 'bot'],
      ['e-2', 'telegram', 'account'],
      ['e-3', 'telegram', 'channel'],
      ['e-4', 'security', 'key'],
      ['e-5', 'platform', 'user'],
      ['e-6', 'platform', 'user'],
    ]);
    const columns = await sql<{ Field: string }>`show columns from integration_logs`.execute(db);
    expect(columns.rows.map((c) => c.Field)).not.toContain('integration_type');
  });
});
