/**
 * Encrypts secrets at rest (bot tokens, session strings). Ciphertexts name their key version, so rows written
 * before a rotation keep decrypting, and a rewrap moves them to the newest version without exposing plaintext
 * to the caller.
 */
export interface SecretCipher {
  readonly kind: 'local' | 'vault';
  /**
   * `context` binds the ciphertext to where it is stored (`rowContext(table, row, user)`): it then decrypts only
   * with the same context, so a ciphertext copied into another row or another user's row is refused.
   */
  encrypt(keyName: string, plaintext: string, context?: string): Promise<Sealed>;
  /** A bound ciphertext needs its context; an unbound one (written before binding) ignores it. */
  decrypt(keyName: string, ciphertext: string, context?: string): Promise<string>;
  /** The newest key version, and bound to `context` when one is given (how unbound rows are migrated). */
  rewrap(keyName: string, ciphertext: string, context?: string): Promise<Sealed>;
  /** Creates a new key version and answers its number; new encryptions use it. */
  rotate(keyName: string): Promise<number>;
  currentVersion(keyName: string): Promise<number>;
}

export interface Sealed {
  ciphertext: string;
  keyVersion: number;
}

/** The key names of ARCHITECTURE.md §8. */
export const KEY_NAMES = {
  sessions: 'telegram-sessions',
  bots: 'telegram-bots',
  webhooks: 'integration-webhooks',
  /** Secret fields of commands waiting in a retry queue (sealed by the consuming connector for itself). */
  messages: 'integration-messages',
} as const;

/** Seal/unseal with one key name: what Messaging needs to keep a retried command's secrets sealed. */
export function fieldSealer(
  cipher: SecretCipher,
  keyName: string = KEY_NAMES.messages,
): { seal(plaintext: string): Promise<string>; unseal(sealed: string): Promise<string> } {
  return {
    seal: async (plaintext) => (await cipher.encrypt(keyName, plaintext)).ciphertext,
    unseal: (sealed) => cipher.decrypt(keyName, sealed),
  };
}

export class SecretError extends Error {}

/** Where a ciphertext lives: its table, its row's key and its owner. What a bound ciphertext authenticates. */
export function rowContext(table: string, rowKey: string, userId: string): string {
  return `${table}/${rowKey}/${userId}`;
}

/** The marker after `<backend>:v<N>:` of a ciphertext bound to a context (base64 never contains a colon). */
export const BOUND_MARKER = 'b:';

/** Whether a ciphertext of ours is bound to a context. */
export function isBound(ciphertext: string): boolean {
  return /^(?:local|vault):v\d+:b:/.test(ciphertext);
}

/** The key version a ciphertext was made with (`local:v3:...` / `vault:v3:...`). */
export function keyVersionOf(ciphertext: string): number {
  const match = /^(?:local|vault):v(\d+):/.exec(ciphertext);
  if (!match?.[1]) throw new SecretError('not a ciphertext of ours');
  return Number(match[1]);
}
