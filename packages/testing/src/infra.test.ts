import { createConnection } from 'mysql2/promise';
import { createTestDatabase, createTestVhost, uniqueName } from './infra';

describe('test infrastructure helpers', () => {
  it('makes names that differ and fit MariaDB identifiers', () => {
    const a = uniqueName('Some Feature/Name');
    const b = uniqueName('Some Feature/Name');
    expect(a).not.toEqual(b);
    expect(a).toMatch(/^t_some_feature_name_[a-z0-9]+$/);
    expect(a.length).toBeLessThanOrEqual(64);
  });

  it('creates a database of its own and drops it', async () => {
    const db = await createTestDatabase('infra');
    const conn = await createConnection(db.url);
    const [rows] = await conn.query('SELECT DATABASE() AS name');
    await conn.end();
    expect((rows as Array<{ name: string }>)[0]?.name).toBe(db.name);
    await db.drop();
    const admin = await createConnection(db.url.replace(`/${db.name}`, ''));
    const [left] = await admin.query('SHOW DATABASES LIKE ?', [db.name]);
    await admin.end();
    expect(left).toHaveLength(0);
  });

  it('creates a vhost of its own and deletes it', async () => {
    const vhost = await createTestVhost('infra');
    expect(vhost.url).toContain(encodeURIComponent(vhost.name));
    await vhost.delete();
  });
});
