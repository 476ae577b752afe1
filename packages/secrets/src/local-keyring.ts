import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BOUND_MARKER, SecretError, isBound, keyVersionOf, type Sealed, type SecretCipher } from './cipher';

/** The associated data: the key name and version, and for a bound ciphertext where it is stored. */
const aad = (keyName: string, version: number, context: string | undefined) =>
  context === undefined ? `${keyName}:v${version}` : `${keyName}:v${version}:${context}`;

/** `{ "<key name>": { "<version>": "<base64 of 32 bytes>" } }` */
export type KeyringData = Record<string, Record<string, string>>;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The embedded default: AES-256-GCM with versioned keys per key name, from `SECRETS_KEYRING` (JSON) or a keyring
 * file (created with fresh random keys when missing, mode 0600). The key name and version, and the row context
 * when one is given, are bound into the ciphertext as associated data, so a ciphertext cannot be replayed under
 * another key or in another row.
 */
export class LocalKeyringCipher implements SecretCipher {
  readonly kind = 'local';

  private constructor(
    private readonly keys: KeyringData,
    private readonly file?: string,
  ) {}

  static fromJson(json: string): LocalKeyringCipher {
    return new LocalKeyringCipher(parseKeyring(json));
  }

  /** Loads the keyring file, creating it with a random key per name when it does not exist. */
  static fromFile(file: string): LocalKeyringCipher {
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeKeyring(file, {});
    }
    return new LocalKeyringCipher(parseKeyring(readFileSync(file, 'utf8')), file);
  }

  async encrypt(keyName: string, plaintext: string, context?: string): Promise<Sealed> {
    const version = this.latest(keyName, true);
    return { ciphertext: this.seal(keyName, version, plaintext, context), keyVersion: version };
  }

  async decrypt(keyName: string, ciphertext: string, context?: string): Promise<string> {
    const version = keyVersionOf(ciphertext);
    const key = this.key(keyName, version);
    const bound = isBound(ciphertext);
    if (bound && context === undefined) throw new SecretError('a bound ciphertext needs its context');
    const body = ciphertext.slice(ciphertext.indexOf(':', 6) + 1);
    const raw = Buffer.from(bound ? body.slice(BOUND_MARKER.length) : body, 'base64');
    if (!ciphertext.startsWith('local:') || raw.length < IV_BYTES + TAG_BYTES)
      throw new SecretError('malformed ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad(keyName, version, bound ? context : undefined)));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretError('ciphertext failed authentication');
    }
  }

  async rewrap(keyName: string, ciphertext: string, context?: string): Promise<Sealed> {
    return this.encrypt(keyName, await this.decrypt(keyName, ciphertext, context), context);
  }

  async rotate(keyName: string): Promise<number> {
    const versions = (this.keys[keyName] ??= {});
    const next = this.latest(keyName, false) + 1;
    versions[String(next)] = randomBytes(32).toString('base64');
    this.persist();
    return next;
  }

  async currentVersion(keyName: string): Promise<number> {
    return this.latest(keyName, true);
  }

  private latest(keyName: string, create: boolean): number {
    const versions = Object.keys(this.keys[keyName] ?? {}).map(Number);
    if (versions.length > 0) return Math.max(...versions);
    if (!create) return 0;
    // Another process sharing the file may have made this key since we loaded it: use theirs, never a second v1.
    this.mergeFromFile();
    const shared = Object.keys(this.keys[keyName] ?? {}).map(Number);
    if (shared.length > 0) return Math.max(...shared);
    this.keys[keyName] = { '1': randomBytes(32).toString('base64') };
    this.persist();
    return 1;
  }

  /**
   * Several services share one keyring file, each creating or rotating its own keys: what is written is the
   * file's current content merged with ours (a union of versions), so no process drops another's key.
   */
  private persist(): void {
    if (!this.file) return;
    this.mergeFromFile();
    writeKeyring(this.file, this.keys);
  }

  private mergeFromFile(): void {
    if (!this.file || !existsSync(this.file)) return;
    const onDisk = parseKeyring(readFileSync(this.file, 'utf8'));
    for (const [name, versions] of Object.entries(onDisk)) {
      const mine = (this.keys[name] ??= {});
      for (const [version, key] of Object.entries(versions)) mine[version] ??= key;
    }
  }

  private key(keyName: string, version: number): Buffer {
    // A version another process created since we loaded the file (a rotation elsewhere).
    if (!this.keys[keyName]?.[String(version)]) this.mergeFromFile();
    const encoded = this.keys[keyName]?.[String(version)];
    if (!encoded) throw new SecretError(`no key ${keyName} v${version} in the keyring`);
    return Buffer.from(encoded, 'base64');
  }

  private seal(keyName: string, version: number, plaintext: string, context?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(keyName, version), iv);
    cipher.setAAD(Buffer.from(aad(keyName, version, context)));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
    return `local:v${version}:${context === undefined ? '' : BOUND_MARKER}${sealed}`;
  }
}

function parseKeyring(json: string): KeyringData {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new SecretError('the keyring is not valid JSON');
  }
  if (typeof data !== 'object' || data === null) throw new SecretError('the keyring must be an object');
  for (const [name, versions] of Object.entries(data)) {
    for (const [version, key] of Object.entries(versions as Record<string, unknown>)) {
      if (!/^\d+$/.test(version) || typeof key !== 'string' || Buffer.from(key, 'base64').length !== 32) {
        throw new SecretError(`keyring entry ${name} v${version} must be 32 bytes of base64`);
      }
    }
  }
  return data as KeyringData;
}

/** Written to a temporary file and renamed, so a crash never leaves half a keyring. */
function writeKeyring(file: string, keys: KeyringData): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}
