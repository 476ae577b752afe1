import { existsSync } from 'node:fs';
import path from 'node:path';
import { SecretError, type SecretCipher } from './cipher';
import { LocalKeyringCipher } from './local-keyring';
import { VaultTransitCipher } from './vault-transit';

/**
 * Vault transit when VAULT_ADDR is set, otherwise the local keyring from SECRETS_KEYRING (JSON) or
 * SECRETS_KEYRING_FILE (default `.run/keyring.json` in the working directory).
 *
 * With NODE_ENV=production Vault is required: each pod making its own local keyring would leave rows no other pod
 * can read. A local keyring is allowed there only when chosen explicitly (`SECRETS_BACKEND=local`) with a mounted
 * `SECRETS_KEYRING_FILE` that exists. A production VAULT_ADDR is https (plain http only to a loopback agent).
 */
export function createCipherFromEnv(env: NodeJS.ProcessEnv = process.env): SecretCipher {
  const backend = env.SECRETS_BACKEND;
  if (backend !== undefined && backend !== 'vault' && backend !== 'local')
    throw new SecretError(`SECRETS_BACKEND must be vault or local, not ${JSON.stringify(backend)}`);
  const production = env.NODE_ENV === 'production';
  if (backend === 'vault' && !env.VAULT_ADDR) throw new SecretError('SECRETS_BACKEND=vault needs VAULT_ADDR');
  if (env.VAULT_ADDR && backend !== 'local') {
    if (!env.VAULT_TOKEN) throw new SecretError('VAULT_ADDR is set but VAULT_TOKEN is not');
    if (production && !isHttpsOrLoopback(env.VAULT_ADDR))
      throw new SecretError(
        'VAULT_ADDR must be https with NODE_ENV=production (http only to a loopback agent)',
      );
    return new VaultTransitCipher({
      address: env.VAULT_ADDR,
      token: env.VAULT_TOKEN,
      mount: env.VAULT_TRANSIT_MOUNT ?? 'transit',
    });
  }
  if (production) {
    if (backend !== 'local')
      throw new SecretError(
        'NODE_ENV=production needs Vault (VAULT_ADDR, VAULT_TOKEN), or SECRETS_BACKEND=local with a mounted SECRETS_KEYRING_FILE',
      );
    if (!env.SECRETS_KEYRING_FILE || !existsSync(env.SECRETS_KEYRING_FILE))
      throw new SecretError(
        'SECRETS_BACKEND=local in production needs SECRETS_KEYRING_FILE naming a mounted file',
      );
    return LocalKeyringCipher.fromFile(env.SECRETS_KEYRING_FILE);
  }
  if (env.SECRETS_KEYRING) return LocalKeyringCipher.fromJson(env.SECRETS_KEYRING);
  return LocalKeyringCipher.fromFile(env.SECRETS_KEYRING_FILE ?? path.resolve('.run/keyring.json'));
}

function isHttpsOrLoopback(address: string): boolean {
  try {
    const url = new URL(address);
    return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** The HMAC key for duplicate detection, derived per deployment; the keyring file's key when nothing is set. */
export function hashKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.SECRETS_HASH_KEY;
  if (key) return key;
  if (env.NODE_ENV === 'production') throw new SecretError('SECRETS_HASH_KEY must be set in production');
  return 'development-hash-key-not-for-production';
}
