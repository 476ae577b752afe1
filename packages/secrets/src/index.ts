export {
  BOUND_MARKER,
  KEY_NAMES,
  SecretError,
  fieldSealer,
  isBound,
  keyVersionOf,
  rowContext,
  type Sealed,
  type SecretCipher,
} from './cipher';
export { createCipherFromEnv, hashKeyFromEnv } from './factory';
export { keyedHash } from './keyed-hash';
export { LocalKeyringCipher, type KeyringData } from './local-keyring';
export { VaultTransitCipher, type VaultOptions } from './vault-transit';
