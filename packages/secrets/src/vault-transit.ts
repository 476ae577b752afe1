import nodeVault from 'node-vault';
import { BOUND_MARKER, SecretError, isBound, type Sealed, type SecretCipher } from './cipher';

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

  /** With a context, Vault authenticates it as the AEAD's associated data (`associated_data`). */
  async encrypt(keyName: string, plaintext: string, context?: string): Promise<Sealed> {
    const data = await this.write(`encrypt/${name(keyName)}`, {
      plaintext: Buffer.from(plaintext, 'utf8').toString('base64'),
      ...associatedData(context),
    });
    return context === undefined ? sealed(data) : bind(sealed(data));
  }

  async decrypt(keyName: string, ciphertext: string, context?: string): Promise<string> {
    const bound = isBound(ciphertext);
    if (bound && context === undefined) throw new SecretError('a bound ciphertext needs its context');
    const data = await this.write(`decrypt/${name(keyName)}`, {
      ciphertext: bound ? unbind(ciphertext) : ciphertext,
      ...(bound ? associatedData(context) : {}),
    });
    if (typeof data['plaintext'] !== 'string') throw new SecretError('Vault answered without plaintext');
    return Buffer.from(data['plaintext'], 'base64').toString('utf8');
  }

  async rewrap(keyName: string, ciphertext: string, context?: string): Promise<Sealed> {
    if (context === undefined && !isBound(ciphertext))
      return sealed(await this.write(`rewrap/${name(keyName)}`, { ciphertext }));
    // Binding (or re-binding) changes the associated data, which Vault's rewrap keeps: decrypt and encrypt again.
    return this.encrypt(keyName, await this.decrypt(keyName, ciphertext, context), context);
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

function associatedData(context: string | undefined): { associated_data?: string } {
  return context === undefined ? {} : { associated_data: Buffer.from(context, 'utf8').toString('base64') };
}

/** `vault:v3:XXXX` → `vault:v3:b:XXXX`: what we store for a bound ciphertext. */
function bind(value: Sealed): Sealed {
  const at = value.ciphertext.indexOf(':', 6) + 1;
  return {
    ciphertext: `${value.ciphertext.slice(0, at)}${BOUND_MARKER}${value.ciphertext.slice(at)}`,
    keyVersion: value.keyVersion,
  };
}

/** The ciphertext as Vault made it. */
function unbind(ciphertext: string): string {
  const at = ciphertext.indexOf(':', 6) + 1;
  return `${ciphertext.slice(0, at)}${ciphertext.slice(at + BOUND_MARKER.length)}`;
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
