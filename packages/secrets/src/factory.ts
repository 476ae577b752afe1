import path from 'node:path';
import { SecretError, type SecretCipher } from './cipher';
import { LocalKeyringCipher } from './local-keyring';
import { VaultTransitCipher } from './vault-transit';

/**
 * Vault transit when VAULT_ADDR is set, otherwise the local keyring from SECRETS_KEYRING (JSON) or
 * SECRETS_KEYRING_FILE (default `.run/keyring.json` in the working directory).
 */
export function createCipherFromEnv(env: NodeJS.ProcessEnv = process.env): SecretCipher {
  if (env.VAULT_ADDR) {
    if (!env.VAULT_TOKEN) throw new SecretError('VAULT_ADDR is set but VAULT_TOKEN is not');
    return new VaultTransitCipher({
      address: env.VAULT_ADDR,
      token: env.VAULT_TOKEN,
      mount: env.VAULT_TRANSIT_MOUNT ?? 'transit',
    });
  }
  if (env.SECRETS_KEYRING) return LocalKeyringCipher.fromJson(env.SECRETS_KEYRING);
  return LocalKeyringCipher.fromFile(env.SECRETS_KEYRING_FILE ?? path.resolve('.run/keyring.json'));
}

/** The HMAC key for duplicate detection, derived per deployment; the keyring file's key when nothing is set. */
export function hashKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.SECRETS_HASH_KEY;
  if (key) return key;
  if (env.NODE_ENV === 'production') throw new SecretError('SECRETS_HASH_KEY must be set in production');
  return 'development-hash-key-not-for-production';
}
