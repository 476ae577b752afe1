import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { bigintOf, bufferOf, modPowPrime, sha256, TELEGRAM_G, TELEGRAM_PRIME, xor } from './crypto';

/**
 * The server half of Telegram's 2FA check (https://core.telegram.org/api/srp): SRP-6a over the 2048-bit prime
 * with g = 3 and the password hashed by PH2 (SHA256 / PBKDF2-HMAC-SHA512 100,000 rounds / SHA256). The emulator
 * keeps the password in the clear (it is a fake) and derives the verifier from it once per salt.
 */
const pbkdf2Async = promisify(pbkdf2);
const P = bigintOf(TELEGRAM_PRIME);
const G_BYTES = Buffer.from([TELEGRAM_G]);
const pad = (value: Buffer | bigint): Buffer =>
  bufferOf(typeof value === 'bigint' ? value : bigintOf(value), 256);

export interface PasswordSalts {
  salt1: Buffer;
  salt2: Buffer;
}

export const newSalts = (): PasswordSalts => ({ salt1: randomBytes(40), salt2: randomBytes(16) });

const saltedHash = (data: Buffer, salt: Buffer): Buffer => sha256(salt, data, salt);

/** PH2(password, salt1, salt2) as Telegram defines it. */
export async function passwordHash(password: string, { salt1, salt2 }: PasswordSalts): Promise<Buffer> {
  const ph1 = saltedHash(saltedHash(Buffer.from(password, 'utf8'), salt1), salt2);
  return saltedHash(await pbkdf2Async(ph1, salt1, 100_000, 64, 'sha512'), salt2);
}

/** v = g ^ PH2 mod p: what a real server stores instead of the password. */
export async function verifier(password: string, salts: PasswordSalts): Promise<Buffer> {
  return modPowPrime(G_BYTES, await passwordHash(password, salts));
}

/** The server's ephemeral pair: b random, B = k·v + g^b mod p with k = H(p | g). */
export function serverEphemeral(v: Buffer): { b: Buffer; B: Buffer } {
  const k = bigintOf(sha256(pad(TELEGRAM_PRIME), pad(G_BYTES)));
  for (;;) {
    const b = randomBytes(256);
    const gb = bigintOf(modPowPrime(G_BYTES, b));
    const B = (k * bigintOf(v) + gb) % P;
    if (B > 1n) return { b, B: pad(B) };
  }
}

/**
 * Checks the client's proof: u = H(A | B), S = (A · v^u)^b mod p, K = H(S),
 * M1 = H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | K). False for a wrong password or a bad A.
 */
export function checkProof(input: {
  A: Buffer;
  M1: Buffer;
  B: Buffer;
  b: Buffer;
  v: Buffer;
  salts: PasswordSalts;
}): boolean {
  const A = bigintOf(input.A);
  if (A <= 1n || A >= P - 1n || input.M1.length !== 32) return false;
  const aBytes = pad(A);
  const u = sha256(aBytes, input.B);
  const vu = bigintOf(modPowPrime(input.v, u));
  const S = modPowPrime(pad((A * vu) % P), input.b);
  const K = sha256(S);
  const expected = sha256(
    xor(sha256(pad(TELEGRAM_PRIME)), sha256(pad(G_BYTES))),
    sha256(input.salts.salt1),
    sha256(input.salts.salt2),
    aBytes,
    input.B,
    K,
  );
  return timingSafeEqual(expected, input.M1);
}
