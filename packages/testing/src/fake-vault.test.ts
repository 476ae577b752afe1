import { startFakeVault, type FakeVault } from './fake-vault';

describe('fake Vault transit engine', () => {
  let vault: FakeVault;
  const call = async (method: string, path: string, body?: unknown, token = vault.token) => {
    const res = await fetch(`${vault.url}/v1/${path}`, {
      method,
      headers: { 'x-vault-token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as { data?: Record<string, unknown>; errors?: string[] }) : {},
    };
  };
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  beforeAll(async () => {
    vault = await startFakeVault();
  });
  afterAll(() => vault.stop());

  it('refuses a request without the token, as Vault does', async () => {
    const res = await call('POST', 'transit/encrypt/k', { plaintext: b64('x') }, 'wrong');
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual(['permission denied']);
  });

  it('encrypts into a versioned ciphertext that does not contain the plaintext, and decrypts it back', async () => {
    const enc = await call('POST', 'transit/encrypt/bots', { plaintext: b64('123456:secret-token') });
    expect(enc.status).toBe(200);
    const ciphertext = String(enc.body.data?.['ciphertext']);
    expect(ciphertext).toMatch(/^vault:v1:/);
    expect(ciphertext).not.toContain(b64('123456:secret-token'));
    const dec = await call('POST', 'transit/decrypt/bots', { ciphertext });
    expect(Buffer.from(String(dec.body.data?.['plaintext']), 'base64').toString()).toBe(
      '123456:secret-token',
    );
  });

  it('rotates, keeps old versions decryptable and rewraps to the newest version', async () => {
    const old = String(
      (await call('POST', 'transit/encrypt/sessions', { plaintext: b64('s') })).body.data?.['ciphertext'],
    );
    expect((await call('POST', 'transit/keys/sessions/rotate')).status).toBe(200);
    expect(vault.latestVersion('sessions')).toBe(2);
    const info = await call('GET', 'transit/keys/sessions');
    expect(info.body.data?.['latest_version']).toBe(2);
    const rewrapped = await call('POST', 'transit/rewrap/sessions', { ciphertext: old });
    expect(rewrapped.body.data?.['ciphertext']).toMatch(/^vault:v2:/);
    const dec = await call('POST', 'transit/decrypt/sessions', { ciphertext: old });
    expect(Buffer.from(String(dec.body.data?.['plaintext']), 'base64').toString()).toBe('s');
  });

  it('rejects tampered ciphertext and unknown keys with Vault-shaped errors', async () => {
    const enc = String(
      (await call('POST', 'transit/encrypt/t', { plaintext: b64('abc') })).body.data?.['ciphertext'],
    );
    const tampered = enc.slice(0, -4) + (enc.endsWith('AAA=') ? 'BBB=' : 'AAA=');
    const bad = await call('POST', 'transit/decrypt/t', { ciphertext: tampered });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]).toMatch(/authentication failed|invalid/);
    expect((await call('POST', 'transit/decrypt/missing', { ciphertext: enc })).status).toBe(400);
  });

  it('answers 503 while told to fail, then recovers', async () => {
    vault.failNext(1);
    expect((await call('POST', 'transit/encrypt/f', { plaintext: b64('a') })).status).toBe(503);
    expect((await call('POST', 'transit/encrypt/f', { plaintext: b64('a') })).status).toBe(200);
  });
});
