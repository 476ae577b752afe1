import nodeVault from 'node-vault';
import { SecretError, type Sealed, type SecretCipher } from './cipher';

export interface VaultOptions {
  address: string;
  token: string;
  /** Where the transit engine is mounted (default `transit`). */
  mount?: string;
  timeoutMs?: number;
}

const KEY_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Vault's transit engine through node-vault: Vault holds the keys and does the cryptography; we only ever store
 * its `vault:v<N>:...` ciphertexts. Tested against the transit-compatible fake of `@integrations/testing`; the
 * code path is the one used with a real Vault.
 */
export class VaultTransitCipher implements SecretCipher {
  readonly kind = 'vault';
  private readonly client: nodeVault.client;
  private readonly mount: string;

  constructor(options: VaultOptions) {
    this.client = nodeVault({
      apiVersion: 'v1',
      endpoint: options.address,
      token: options.token,
      requestOptions: { timeout: options.timeoutMs ?? 5000 },
    });
    this.mount = options.mount ?? 'transit';
  }

  async encrypt(keyName: string, plaintext: string): Promise<Sealed> {
    const data = await this.write(`encrypt/${name(keyName)}`, {
      plaintext: Buffer.from(plaintext, 'utf8').toString('base64'),
    });
    return sealed(data);
  }

  async decrypt(keyName: string, ciphertext: string): Promise<string> {
    const data = await this.write(`decrypt/${name(keyName)}`, { ciphertext });
    if (typeof data['plaintext'] !== 'string') throw new SecretError('Vault answered without plaintext');
    return Buffer.from(data['plaintext'], 'base64').toString('utf8');
  }

  async rewrap(keyName: string, ciphertext: string): Promise<Sealed> {
    return sealed(await this.write(`rewrap/${name(keyName)}`, { ciphertext }));
  }

  async rotate(keyName: string): Promise<number> {
    await this.ensureKey(keyName);
    await this.write(`keys/${name(keyName)}/rotate`, {});
    return this.currentVersion(keyName);
  }

  async currentVersion(keyName: string): Promise<number> {
    await this.ensureKey(keyName);
    const response = (await this.call(() => this.client.read(`${this.mount}/keys/${name(keyName)}`))) as {
      data?: { latest_version?: number };
    };
    const version = response.data?.latest_version;
    if (typeof version !== 'number') throw new SecretError('Vault answered without a key version');
    return version;
  }

  private async ensureKey(keyName: string): Promise<void> {
    await this.call(() => this.client.write(`${this.mount}/keys/${name(keyName)}`, { type: 'aes256-gcm96' }));
  }

  private async write(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = (await this.call(() => this.client.write(`${this.mount}/${path}`, body))) as {
      data?: Record<string, unknown>;
    };
    return response.data ?? {};
  }

  /** Vault's errors carry its answer; only the status and Vault's own message leave here (never the payload). */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const status = (error as { response?: { statusCode?: number } }).response?.statusCode;
      const errors = (error as { response?: { body?: { errors?: unknown[] } } }).response?.body?.errors;
      const detail = Array.isArray(errors)
        ? errors.map(String).join('; ')
        : error instanceof Error
          ? error.message
          : 'unknown';
      throw new SecretError(`Vault transit request failed${status ? ` (${status})` : ''}: ${detail}`);
    }
  }
}

function name(keyName: string): string {
  if (!KEY_NAME.test(keyName)) throw new SecretError(`invalid key name ${JSON.stringify(keyName)}`);
  return keyName;
}

function sealed(data: Record<string, unknown>): Sealed {
  const ciphertext = data['ciphertext'];
  if (typeof ciphertext !== 'string') throw new SecretError('Vault answered without ciphertext');
  const version =
    typeof data['key_version'] === 'number'
      ? data['key_version']
      : Number(/^vault:v(\d+):/.exec(ciphertext)?.[1]);
  return { ciphertext, keyVersion: version };
}
