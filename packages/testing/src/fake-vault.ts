import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small HashiCorp Vault stand-in that serves the transit secrets engine's HTTP API as Vault documents it
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit): create/read/rotate keys, encrypt, decrypt and
 * rewrap, `vault:v<N>:<base64>` ciphertexts, `X-Vault-Token` auth, `{errors: [...]}` answers. There is no Vault
 * server on the development machines; this lets the real Vault adapter run its real code path in tests.
 * It really encrypts (AES-256-GCM per key version), so a test can check that no plaintext leaks.
 */
export interface FakeVault {
  url: string;
  token: string;
  /** Every request seen, for tests that check what the adapter sent (never holds plaintext answers). */
  requests: { method: string; path: string }[];
  /** Makes the next `count` requests answer 503, as a sealed or unreachable Vault would. */
  failNext(count: number): void;
  latestVersion(keyName: string): number | undefined;
  stop(): Promise<void>;
}

interface TransitKey {
  versions: Map<number, Buffer>;
  created: Map<number, string>;
  latest: number;
  minDecryptionVersion: number;
}

class VaultError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeVault(options: { token?: string; port?: number } = {}): Promise<FakeVault> {
  const token = options.token ?? `hvs.${randomBytes(12).toString('base64url')}`;
  const keys = new Map<string, TransitKey>();
  const requests: FakeVault['requests'] = [];
  let failures = 0;

  const newKey = (): TransitKey => ({
    versions: new Map([[1, randomBytes(32)]]),
    created: new Map([[1, new Date().toISOString()]]),
    latest: 1,
    minDecryptionVersion: 1,
  });

  const keyOrThrow = (name: string, create: boolean): TransitKey => {
    let key = keys.get(name);
    if (!key && create) {
      // Vault's transit engine creates a key on first encrypt unless the policy forbids it.
      key = newKey();
      keys.set(name, key);
    }
    if (!key) throw new VaultError(400, 'encryption key not found');
    return key;
  };

  /** `associated_data` (base64), authenticated with AEAD keys as Vault's transit engine does. */
  const aadOf = (value: unknown): Buffer | undefined =>
    typeof value === 'string' && value !== '' ? Buffer.from(value, 'base64') : undefined;

  const encrypt = (
    key: TransitKey,
    plaintextB64: unknown,
    version?: unknown,
    associatedData?: Buffer,
  ): { ciphertext: string; key_version: number } => {
    if (typeof plaintextB64 !== 'string') throw new VaultError(400, 'missing plaintext to encrypt');
    const keyVersion = typeof version === 'number' && version > 0 ? version : key.latest;
    const material = key.versions.get(keyVersion);
    if (!material) throw new VaultError(400, 'invalid key version');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', material, iv);
    if (associatedData) cipher.setAAD(associatedData);
    const body = Buffer.concat([cipher.update(Buffer.from(plaintextB64, 'base64')), cipher.final()]);
    const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
    return { ciphertext: `vault:v${keyVersion}:${sealed}`, key_version: keyVersion };
  };

  const decrypt = (key: TransitKey, ciphertext: unknown, associatedData?: Buffer): string => {
    const match = typeof ciphertext === 'string' ? /^vault:v(\d+):([A-Za-z0-9+/=]+)$/.exec(ciphertext) : null;
    if (!match) throw new VaultError(400, 'invalid ciphertext: no prefix');
    const version = Number(match[1]);
    if (version < key.minDecryptionVersion)
      throw new VaultError(400, 'ciphertext or signature version is disallowed by policy (too old)');
    const material = key.versions.get(version);
    if (!material) throw new VaultError(400, 'invalid key version');
    const raw = Buffer.from(match[2] ?? '', 'base64');
    if (raw.length < 28) throw new VaultError(400, 'invalid ciphertext: too short');
    const decipher = createDecipheriv('aes-256-gcm', material, raw.subarray(0, 12));
    if (associatedData) decipher.setAAD(associatedData);
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    try {
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
        'base64',
      );
    } catch {
      throw new VaultError(400, 'cipher: message authentication failed');
    }
  };

  const route = (
    method: string,
    path: string,
    body: Record<string, unknown>,
  ): { status: number; body?: unknown } => {
    const match = /^\/v1\/transit\/(keys|encrypt|decrypt|rewrap)\/([A-Za-z0-9_-]+)(\/rotate|\/config)?$/.exec(
      path,
    );
    if (!match) throw new VaultError(404, `no handler for route "${path}"`);
    const [, op, name = '', suffix] = match;
    if (op === 'keys' && !suffix && method === 'POST') {
      if (!keys.has(name)) keys.set(name, newKey());
      return { status: 204 };
    }
    if (op === 'keys' && !suffix && method === 'GET') {
      const key = keyOrThrow(name, false);
      return {
        status: 200,
        body: {
          data: {
            name,
            type: 'aes256-gcm96',
            latest_version: key.latest,
            min_decryption_version: key.minDecryptionVersion,
            min_encryption_version: 0,
            keys: Object.fromEntries(
              [...key.created].map(([v, at]) => [String(v), Math.floor(Date.parse(at) / 1000)]),
            ),
          },
        },
      };
    }
    if (op === 'keys' && suffix === '/rotate' && method === 'POST') {
      const key = keyOrThrow(name, false);
      key.latest += 1;
      key.versions.set(key.latest, randomBytes(32));
      key.created.set(key.latest, new Date().toISOString());
      return { status: 200, body: { data: { name, latest_version: key.latest } } };
    }
    if (op === 'keys' && suffix === '/config' && method === 'POST') {
      const key = keyOrThrow(name, false);
      const min = body['min_decryption_version'];
      if (typeof min === 'number') key.minDecryptionVersion = Math.min(Math.max(1, min), key.latest);
      return { status: 200, body: { data: { name, min_decryption_version: key.minDecryptionVersion } } };
    }
    if (method !== 'POST' && method !== 'PUT') throw new VaultError(405, 'unsupported operation');
    if (op === 'encrypt')
      return {
        status: 200,
        body: {
          data: encrypt(
            keyOrThrow(name, true),
            body['plaintext'],
            body['key_version'],
            aadOf(body['associated_data']),
          ),
        },
      };
    const key = keyOrThrow(name, false);
    if (op === 'decrypt')
      return {
        status: 200,
        body: { data: { plaintext: decrypt(key, body['ciphertext'], aadOf(body['associated_data'])) } },
      };
    // rewrap: decrypt with the old version, encrypt with the latest, never exposing the plaintext.
    const associatedData = aadOf(body['associated_data']);
    return {
      status: 200,
      body: {
        data: encrypt(key, decrypt(key, body['ciphertext'], associatedData), undefined, associatedData),
      },
    };
  };

  const authorised = (req: IncomingMessage): boolean => {
    const given = Buffer.from(String(req.headers['x-vault-token'] ?? ''));
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const answer = (res: ServerResponse, status: number, body?: unknown): void => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://vault').pathname;
      requests.push({ method: req.method ?? 'GET', path });
      if (failures > 0) {
        failures -= 1;
        answer(res, 503, { errors: ['Vault is sealed'] });
        return;
      }
      if (!authorised(req)) {
        answer(res, 403, { errors: ['permission denied'] });
        return;
      }
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        const result = route(req.method ?? 'GET', path, body);
        answer(res, result.status, result.body);
      } catch (error) {
        const status = error instanceof VaultError ? error.status : 400;
        answer(res, status, { errors: [error instanceof Error ? error.message : 'bad request'] });
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    failNext(count) {
      failures = count;
    },
    latestVersion: (name) => keys.get(name)?.latest,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
