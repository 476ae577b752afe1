import { randomUUID } from 'node:crypto';
import { createDb, migrateToLatest, type Kysely } from '@integrations/persistence';
import { KEY_NAMES, LocalKeyringCipher, keyedHash } from '@integrations/secrets';
import { createTestDatabase, infra, type TestDatabase } from '@integrations/testing';
import { migrations } from '../db/migrations';
import type { AccountDatabase } from '../db/schema';
import { normalizePhone, phoneContext, sessionContext } from './account-store';
import { AccountsRepository } from './accounts.repository';

/** The full phone number at login: stored encrypted and hashed, one account per phone per user. */
describe('AccountsRepository: the phone number of a login', () => {
  let database: TestDatabase;
  let db: Kysely<AccountDatabase>;
  let store: AccountsRepository;
  const cipher = LocalKeyringCipher.fromJson('{}');
  const hashKey = 'test-hash-key';

  beforeAll(async () => {
    database = await createTestDatabase('acctphone');
    db = createDb({ url: infra.mysqlUrl, database: database.name }) as Kysely<AccountDatabase>;
    await migrateToLatest(db as Kysely<unknown>, migrations);
    store = new AccountsRepository(db, cipher, hashKey);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const login = (userId: string, telegramUserId: string, phone: string | null) =>
    store.saveLogin(userId, { telegramUserId, phone }, `session-${telegramUserId}`, () => ({
      id: randomUUID(),
      type: 'telegram.account.connected',
    }));
  const row = (userId: string, telegramUserId: string) =>
    db
      .selectFrom('telegram_sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('telegram_user_id', '=', telegramUserId)
      .executeTakeFirstOrThrow();

  it('normalizes what Telegram and the flows give to +<digits>', () => {
    expect(normalizePhone('79991234567')).toBe('+79991234567');
    expect(normalizePhone('+7 999 123-45-67')).toBe('+79991234567');
    expect(normalizePhone('')).toBeNull();
    expect(normalizePhone(undefined)).toBeNull();
  });

  it('stores the number encrypted and bound to its row and column, with its keyed hash, and no clear text', async () => {
    const saved = await login('alice', '101', '79990000001');
    expect(saved).toMatchObject({
      phone_masked: '+7999***0001',
      phone_hash: keyedHash(hashKey, '+79990000001'),
      phone_key_version: 1,
    });
    expect(JSON.stringify(saved)).not.toContain('79990000001');
    expect(await store.phone(saved)).toBe('+79990000001');
    await expect(
      cipher.decrypt(KEY_NAMES.sessions, saved.phone_enc!, sessionContext('101', 'alice')),
    ).rejects.toThrow();
    await expect(
      cipher.decrypt(KEY_NAMES.sessions, saved.phone_enc!, phoneContext('101', 'mallory')),
    ).rejects.toThrow();
  });

  it('keeps the stored number when a login does not tell it (a QR login without a phone)', async () => {
    const again = await login('alice', '101', null);
    expect(await store.phone(again)).toBe('+79990000001');
    expect(again.phone_masked).toBe('+7999***0001');
  });

  it('knows a number in one account per user: a new Telegram account with it takes it from the old one', async () => {
    // The same number for another platform user is theirs alone: untouched.
    await login('bob', '201', '+79990000001');
    const taken = await login('alice', '102', '+79990000001');
    expect(await store.phone(taken)).toBe('+79990000001');
    const old = await row('alice', '101');
    expect([old.phone_masked, old.phone_enc, old.phone_hash, old.phone_key_version]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(await store.phone(old)).toBeNull();
    expect(await store.phone(await row('bob', '201'))).toBe('+79990000001');
    // The index itself refuses a second account of the user with that number.
    await expect(
      db
        .updateTable('telegram_sessions')
        .set({ phone_hash: taken.phone_hash })
        .where('id', '=', old.id)
        .execute(),
    ).rejects.toThrow(/Duplicate entry/);
  });
});
