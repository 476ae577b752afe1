import { startFakeVault, type FakeVault } from '@integrations/testing';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  KEY_NAMES,
  LocalKeyringCipher,
  VaultTransitCipher,
  createCipherFromEnv,
  isBound,
  keyVersionOf,
  rowContext,
  keyedHash,
  type SecretCipher,
} from './index';

const SESSION = '1BAAOMTQ5LjE1NC4xNjcuNTEAUG' + 'x'.repeat(300);

function behavesLikeACipher(label: string, make: () => Promise<SecretCipher>) {
  describe(label, () => {
    let cipher: SecretCipher;
    beforeAll(async () => {
      cipher = await make();
    });

    it('round-trips without the plaintext in the ciphertext', async () => {
      const sealed = await cipher.encrypt(KEY_NAMES.sessions, SESSION);
      expect(sealed.ciphertext).not.toContain(SESSION.slice(0, 20));
      expect(sealed.ciphertext).not.toContain(Buffer.from(SESSION).toString('base64').slice(0, 20));
      expect(keyVersionOf(sealed.ciphertext)).toBe(sealed.keyVersion);
      expect(await cipher.decrypt(KEY_NAMES.sessions, sealed.ciphertext)).toBe(SESSION);
    });

    it('detects tampering', async () => {
      const { ciphertext } = await cipher.encrypt(KEY_NAMES.bots, '123:token');
      // Flip one character in the middle of the sealed bytes (the end may hold base64 padding bits).
      const at = Math.floor((ciphertext.lastIndexOf(':') + ciphertext.length) / 2);
      const flipped =
        ciphertext.slice(0, at) + (ciphertext[at] === 'A' ? 'B' : 'A') + ciphertext.slice(at + 1);
      await expect(cipher.decrypt(KEY_NAMES.bots, flipped)).rejects.toThrow();
    });

    it('keeps old versions readable after a rotation and rewraps them to the newest', async () => {
      const before = await cipher.encrypt(KEY_NAMES.bots, 'old secret');
      const version = await cipher.rotate(KEY_NAMES.bots);
      expect(version).toBe(before.keyVersion + 1);
      expect(await cipher.currentVersion(KEY_NAMES.bots)).toBe(version);
      expect(await cipher.decrypt(KEY_NAMES.bots, before.ciphertext)).toBe('old secret');
      const rewrapped = await cipher.rewrap(KEY_NAMES.bots, before.ciphertext);
      expect(rewrapped.keyVersion).toBe(version);
      expect(await cipher.decrypt(KEY_NAMES.bots, rewrapped.ciphertext)).toBe('old secret');
      expect((await cipher.encrypt(KEY_NAMES.bots, 'new')).keyVersion).toBe(version);
    });

    it('binds a ciphertext to its row: copied into another row or another user’s, it does not decrypt', async () => {
      const mine = rowContext('telegram_sessions', 'row-1', 'alice');
      const sealed = await cipher.encrypt(KEY_NAMES.sessions, SESSION, mine);
      expect(isBound(sealed.ciphertext)).toBe(true);
      expect(await cipher.decrypt(KEY_NAMES.sessions, sealed.ciphertext, mine)).toBe(SESSION);
      for (const elsewhere of [
        rowContext('telegram_sessions', 'row-1', 'mallory'),
        rowContext('telegram_sessions', 'row-2', 'alice'),
        rowContext('telegram_bots', 'row-1', 'alice'),
      ])
        await expect(cipher.decrypt(KEY_NAMES.sessions, sealed.ciphertext, elsewhere)).rejects.toThrow();
      await expect(cipher.decrypt(KEY_NAMES.sessions, sealed.ciphertext)).rejects.toThrow(/context/);
    });

    it('migrates an unbound ciphertext: rewrapped with its context, it is bound from then on', async () => {
      const legacy = await cipher.encrypt(KEY_NAMES.bots, 'legacy token');
      expect(isBound(legacy.ciphertext)).toBe(false);
      const context = rowContext('telegram_bots', 'b-1', 'alice');
      expect(await cipher.decrypt(KEY_NAMES.bots, legacy.ciphertext, context)).toBe('legacy token');
      const bound = await cipher.rewrap(KEY_NAMES.bots, legacy.ciphertext, context);
      expect(isBound(bound.ciphertext)).toBe(true);
      expect(await cipher.decrypt(KEY_NAMES.bots, bound.ciphertext, context)).toBe('legacy token');
      await expect(
        cipher.decrypt(KEY_NAMES.bots, bound.ciphertext, rowContext('telegram_bots', 'b-2', 'alice')),
      ).rejects.toThrow();
    });
  });
}

behavesLikeACipher('local keyring', async () =>
  LocalKeyringCipher.fromFile(path.join(mkdtempSync(path.join(tmpdir(), 'keyring-')), 'keyring.json')),
);

let vault: FakeVault;
beforeAll(async () => {
  vault = await startFakeVault();
});
afterAll(() => vault.stop());
behavesLikeACipher(
  'Vault transit (through the transit-compatible fake)',
  async () => new VaultTransitCipher({ address: vault.url, token: vault.token }),
);

describe('secrets configuration', () => {
  it('creates the keyring file with mode 0600 and keeps rotations in it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'keyring-')), 'nested', 'keyring.json');
    const first = createCipherFromEnv({ SECRETS_KEYRING_FILE: file });
    const sealed = await first.encrypt('telegram-bots', 'x');
    await first.rotate('telegram-bots');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = createCipherFromEnv({ SECRETS_KEYRING_FILE: file });
    expect(await again.decrypt('telegram-bots', sealed.ciphertext)).toBe('x');
    expect(await again.currentVersion('telegram-bots')).toBe(2);
    expect(readFileSync(file, 'utf8')).not.toContain('"x"');
  });

  it("lets several processes share one keyring file without dropping each other's keys", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'keyring-')), 'keyring.json');
    // Both "services" load the file before either has created its key, as when they start together.
    const bots = createCipherFromEnv({ SECRETS_KEYRING_FILE: file });
    const sessions = createCipherFromEnv({ SECRETS_KEYRING_FILE: file });
    const session = await sessions.encrypt('telegram-sessions', 'session');
    await bots.encrypt('telegram-bots', 'token');
    await bots.rotate('telegram-bots');
    const restarted = createCipherFromEnv({ SECRETS_KEYRING_FILE: file });
    expect(await restarted.decrypt('telegram-sessions', session.ciphertext)).toBe('session');
    expect(await restarted.currentVersion('telegram-bots')).toBe(2);
    // A rotation in one process is readable by the other without a restart.
    await restarted.rotate('telegram-sessions');
    const fresh = await restarted.encrypt('telegram-sessions', 'newer');
    expect(await sessions.decrypt('telegram-sessions', fresh.ciphertext)).toBe('newer');
  });

  it('uses Vault when VAULT_ADDR is set and refuses it without a token', () => {
    expect(createCipherFromEnv({ VAULT_ADDR: vault.url, VAULT_TOKEN: vault.token }).kind).toBe('vault');
    expect(() => createCipherFromEnv({ VAULT_ADDR: vault.url })).toThrow(/VAULT_TOKEN/);
  });

  it('needs Vault in production unless a mounted local keyring is chosen explicitly', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyring-prod-'));
    const production = { NODE_ENV: 'production' };
    expect(() => createCipherFromEnv(production)).toThrow(/needs Vault/);
    expect(() => createCipherFromEnv({ ...production, SECRETS_KEYRING: '{}' })).toThrow(/needs Vault/);
    expect(() => createCipherFromEnv({ ...production, SECRETS_BACKEND: 'local' })).toThrow(/mounted file/);
    expect(() =>
      createCipherFromEnv({
        ...production,
        SECRETS_BACKEND: 'local',
        SECRETS_KEYRING_FILE: path.join(dir, 'none.json'),
      }),
    ).toThrow(/mounted file/);
    const file = path.join(dir, 'mounted.json');
    writeFileSync(file, '{}');
    expect(
      createCipherFromEnv({ ...production, SECRETS_BACKEND: 'local', SECRETS_KEYRING_FILE: file }).kind,
    ).toBe('local');
    expect(() => createCipherFromEnv({ SECRETS_BACKEND: 'vault' })).toThrow(/needs VAULT_ADDR/);
    expect(() =>
      createCipherFromEnv({ ...production, VAULT_ADDR: 'http://vault.vault.svc:8200', VAULT_TOKEN: 't' }),
    ).toThrow(/https/);
    expect(
      createCipherFromEnv({ ...production, VAULT_ADDR: 'https://vault.vault.svc:8200', VAULT_TOKEN: 't' })
        .kind,
    ).toBe('vault');
    expect(
      createCipherFromEnv({ ...production, VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_TOKEN: 't' }).kind,
    ).toBe('vault');
  });

  it('refuses a keyring with a short key', () => {
    expect(() =>
      createCipherFromEnv({ SECRETS_KEYRING: JSON.stringify({ k: { '1': 'c2hvcnQ=' } }) }),
    ).toThrow(/32 bytes/);
  });

  it('reports Vault failures without the payload', async () => {
    const cipher = new VaultTransitCipher({ address: vault.url, token: 'wrong-token' });
    await expect(cipher.encrypt('telegram-bots', 'super-secret-value')).rejects.toThrow(
      /\(403\): permission denied/,
    );
    const failure = await cipher.encrypt('telegram-bots', 'super-secret-value').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).not.toContain('super-secret');
  });

  it('hashes with a key, so equal inputs match and different keys do not', () => {
    expect(keyedHash('k1', 'token')).toBe(keyedHash('k1', 'token'));
    expect(keyedHash('k1', 'token')).not.toBe(keyedHash('k2', 'token'));
  });
});
