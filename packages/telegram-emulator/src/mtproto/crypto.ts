import {
  constants,
  createDiffieHellman,
  createPrivateKey,
  createPublicKey,
  createHash,
  generateKeyPairSync,
  privateDecrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { igeDecrypt, igeEncrypt } from './tl';

/**
 * Telegram's 2048-bit safe prime (https://core.telegram.org/mtproto/auth_key, and the one GramJS accepts for
 * SRP). Both the key exchange (g = 3) and 2FA (g = 3) use it.
 */
export const TELEGRAM_PRIME = Buffer.from(
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b',
  'hex',
);
export const TELEGRAM_G = 3;

export const sha1 = (...parts: Buffer[]): Buffer => createHash('sha1').update(Buffer.concat(parts)).digest();
export const sha256 = (...parts: Buffer[]): Buffer =>
  createHash('sha256').update(Buffer.concat(parts)).digest();

/**
 * `base ^ exponent mod TELEGRAM_PRIME` through OpenSSL: one DH object reused (creating one checks the prime,
 * ~200 ms), its private key set to the exponent and the base given as the peer key. ~2 ms against ~15 ms for
 * BigInt. Calls are synchronous, so sharing the object is safe. The answer is 256 bytes, big-endian.
 */
let dh: ReturnType<typeof createDiffieHellman> | undefined;
export function modPowPrime(base: Buffer, exponent: Buffer): Buffer {
  dh ??= createDiffieHellman(TELEGRAM_PRIME, Buffer.from([TELEGRAM_G]));
  dh.setPrivateKey(exponent);
  return leftPad(dh.computeSecret(stripZeros(base)), 256);
}

export const bigintOf = (data: Buffer): bigint =>
  data.length === 0 ? 0n : BigInt(`0x${data.toString('hex')}`);

export function bufferOf(value: bigint, length?: number): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const raw = Buffer.from(hex, 'hex');
  return length === undefined ? raw : leftPad(raw, length);
}

export function leftPad(data: Buffer, length: number): Buffer {
  if (data.length >= length) return data;
  return Buffer.concat([Buffer.alloc(length - data.length), data]);
}

/** Drops leading zero bytes, as GramJS's `getByteArray` does (the auth key is built from that form). */
export function stripZeros(data: Buffer): Buffer {
  let i = 0;
  while (i < data.length - 1 && data[i] === 0) i += 1;
  return data.subarray(i);
}

/** TL `bytes`: a length prefix, the data, padded to 4. */
export function tlBytes(data: Buffer): Buffer {
  const head = data.length < 254 ? Buffer.from([data.length]) : Buffer.from([254, ...intLE(data.length, 3)]);
  const total = head.length + data.length;
  return Buffer.concat([head, data, Buffer.alloc((4 - (total % 4)) % 4)]);
}

function intLE(value: number, bytes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes; i += 1) out.push((value >> (8 * i)) & 0xff);
  return out;
}

export interface ServerRsaKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** Modulus and exponent, big-endian. */
  n: Buffer;
  e: Buffer;
  /** The signed little-endian int64 Telegram and GramJS key servers by, as a decimal string. */
  fingerprint: string;
}

/**
 * A fresh 2048-bit RSA key for the handshake, or the one a state file kept (its private key as PKCS#8 PEM);
 * clients learn it from `GET /_emulator/mtproto`.
 */
export function createServerRsaKey(privateKeyPem?: string): ServerRsaKey {
  const { privateKey, publicKey } =
    privateKeyPem === undefined
      ? generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 })
      : (() => {
          const key = createPrivateKey(privateKeyPem);
          return { privateKey: key, publicKey: createPublicKey(key) };
        })();
  const jwk = publicKey.export({ format: 'jwk' });
  const n = Buffer.from(jwk.n!, 'base64url');
  const e = Buffer.from(jwk.e!, 'base64url');
  return {
    privateKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    n,
    e,
    fingerprint: rsaFingerprint(n, e),
  };
}

/** Last 8 bytes of sha1(TL bytes n + TL bytes e), read as a signed little-endian int64. */
export function rsaFingerprint(n: Buffer, e: Buffer): string {
  return sha1(tlBytes(n), tlBytes(e)).subarray(12, 20).readBigInt64LE(0).toString();
}

/**
 * Undoes the client's RSA_PAD (https://core.telegram.org/mtproto/auth_key#presenting-proof-of-work): raw RSA,
 * then temp_key, AES-IGE with a zero IV, the reversed padded data and its sha256 check. Answers the 192 bytes of
 * `data_with_padding`, or undefined when anything does not add up.
 */
export function rsaPadDecrypt(key: ServerRsaKey, encrypted: Buffer): Buffer | undefined {
  if (encrypted.length !== 256) return undefined;
  let plain: Buffer;
  try {
    plain = leftPad(
      privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, encrypted),
      256,
    );
  } catch {
    return undefined;
  }
  const tempKeyXor = plain.subarray(0, 32);
  const aesEncrypted = plain.subarray(32);
  const tempKey = xor(tempKeyXor, sha256(aesEncrypted));
  const dataWithHash = igeDecrypt(tempKey, Buffer.alloc(32), aesEncrypted);
  const dataWithPadding = Buffer.from(dataWithHash.subarray(0, 192)).reverse();
  const hash = dataWithHash.subarray(192, 224);
  return sha256(tempKey, dataWithPadding).equals(hash) ? dataWithPadding : undefined;
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(Math.min(a.length, b.length));
  for (let i = 0; i < out.length; i += 1) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** The temporary AES key and IV of the handshake's encrypted steps, from the two nonces (wire bytes). */
export function handshakeAes(serverNonce: Buffer, newNonce: Buffer): { key: Buffer; iv: Buffer } {
  const h1 = sha1(newNonce, serverNonce);
  const h2 = sha1(serverNonce, newNonce);
  const h3 = sha1(newNonce, newNonce);
  return {
    key: Buffer.concat([h1, h2.subarray(0, 12)]),
    iv: Buffer.concat([h2.subarray(12, 20), h3, newNonce.subarray(0, 4)]),
  };
}

export interface AuthKeyMaterial {
  key: Buffer;
  /** sha1(key)[12..20] as the signed little-endian int64 that starts every encrypted message. */
  id: bigint;
  auxHash: Buffer;
}

export function authKeyMaterial(key: Buffer): AuthKeyMaterial {
  const hash = sha1(key);
  return { key, id: hash.readBigInt64LE(12), auxHash: hash.subarray(0, 8) };
}

/** new_nonce_hash1/2/3 of dh_gen_ok/retry/fail: the last 16 bytes of sha1(new_nonce + n + aux_hash). */
export function newNonceHash(newNonce: Buffer, auxHash: Buffer, n: 1 | 2 | 3): Buffer {
  return sha1(newNonce, Buffer.from([n]), auxHash).subarray(4, 20);
}

/** MTProto 2.0 message key derivation; x = 0 for client-to-server messages, 8 for server-to-client. */
function messageAes(authKey: Buffer, msgKey: Buffer, x: 0 | 8): { key: Buffer; iv: Buffer } {
  const a = sha256(msgKey, authKey.subarray(x, x + 36));
  const b = sha256(authKey.subarray(x + 40, x + 76), msgKey);
  return {
    key: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    iv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  };
}

/** Decrypts a client message (after its 8-byte auth_key_id); undefined when msg_key does not verify. */
export function decryptFromClient(authKey: Buffer, body: Buffer): Buffer | undefined {
  if (body.length < 16 + 32 || (body.length - 16) % 16 !== 0) return undefined;
  const msgKey = body.subarray(0, 16);
  const { key, iv } = messageAes(authKey, msgKey, 0);
  const plain = igeDecrypt(key, iv, body.subarray(16));
  const expected = sha256(authKey.subarray(88, 120), plain).subarray(8, 24);
  return expected.equals(msgKey) ? plain : undefined;
}

/** Encrypts a server message: random padding (12..27 bytes, to a 16-byte boundary), msg_key, AES-IGE. */
export function encryptToClient(auth: AuthKeyMaterial, plain: Buffer): Buffer {
  const padLength = 12 + ((16 - ((plain.length + 12) % 16)) % 16);
  const padded = Buffer.concat([plain, randomBytes(padLength)]);
  const msgKey = sha256(auth.key.subarray(96, 128), padded).subarray(8, 24);
  const { key, iv } = messageAes(auth.key, msgKey, 8);
  const id = Buffer.alloc(8);
  id.writeBigInt64LE(auth.id, 0);
  return Buffer.concat([id, msgKey, igeEncrypt(key, iv, padded)]);
}
