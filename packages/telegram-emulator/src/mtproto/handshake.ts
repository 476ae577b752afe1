import { generatePrimeSync, randomBytes } from 'node:crypto';
import {
  authKeyMaterial,
  bigintOf,
  bufferOf,
  handshakeAes,
  modPowPrime,
  newNonceHash,
  rsaPadDecrypt,
  sha1,
  stripZeros,
  TELEGRAM_G,
  TELEGRAM_PRIME,
  type AuthKeyMaterial,
  type ServerRsaKey,
} from './crypto';
import { Api, bytesToInt, igeDecrypt, igeEncrypt, intToBytes, longOf, readObject, type TlObject } from './tl';

export class HandshakeError extends Error {}

type Step =
  | { name: 'start' }
  | { name: 'pq'; nonce: Buffer; serverNonce: Buffer; p: bigint; q: bigint }
  | { name: 'dh'; nonce: Buffer; serverNonce: Buffer; newNonce: Buffer; a: Buffer }
  | { name: 'done' };

/**
 * The server side of the unencrypted auth key exchange (https://core.telegram.org/mtproto/auth_key):
 * `req_pq_multi` → `resPQ`, `req_DH_params` (RSA_PAD) → `server_DH_params_ok`, `set_client_DH_params` →
 * `dh_gen_ok`. One instance per connection; `onKey` gets the new key once the client proved it has it.
 */
export class Handshake {
  private step: Step = { name: 'start' };

  constructor(
    private readonly rsa: ServerRsaKey,
    private readonly onKey: (key: AuthKeyMaterial) => void,
  ) {}

  /** Answers one plain request; throws `HandshakeError` on anything out of order or not matching. */
  async handle(body: Buffer): Promise<TlObject> {
    const request = await readObject(body);
    if (request instanceof Api.ReqPqMulti || request instanceof Api.ReqPq) return this.resPq(request.nonce);
    if (request instanceof Api.ReqDHParams) return this.dhParams(request);
    if (request instanceof Api.SetClientDHParams) return this.clientDhParams(request);
    throw new HandshakeError('unexpected plain message');
  }

  private resPq(nonceValue: Parameters<typeof intToBytes>[0]): TlObject {
    const nonce = intToBytes(nonceValue, 16);
    const serverNonce = randomBytes(16);
    // Two 31-bit primes: pq fits 8 bytes with the top bit clear, which GramJS reads as a signed number.
    const [p, q] = [generatePrimeSync(31, { bigint: true }), generatePrimeSync(31, { bigint: true })].sort(
      (x, y) => (x < y ? -1 : x > y ? 1 : 0),
    ) as [bigint, bigint];
    this.step = { name: 'pq', nonce, serverNonce, p, q };
    return new Api.ResPQ({
      nonce: nonceValue,
      serverNonce: bytesToInt(serverNonce),
      pq: bufferOf(p * q, 8),
      serverPublicKeyFingerprints: [longOf(this.rsa.fingerprint)],
    });
  }

  private async dhParams(request: Api.ReqDHParams): Promise<TlObject> {
    const step = this.step;
    if (step.name !== 'pq') throw new HandshakeError('req_DH_params before resPQ');
    this.checkNonces(step, request.nonce, request.serverNonce);
    if (request.publicKeyFingerprint.toString() !== this.rsa.fingerprint) {
      throw new HandshakeError('unknown RSA key fingerprint');
    }
    if (bigintOf(request.p) !== step.p || bigintOf(request.q) !== step.q)
      throw new HandshakeError('wrong p, q');
    const data = rsaPadDecrypt(this.rsa, request.encryptedData);
    if (data === undefined) throw new HandshakeError('RSA_PAD did not decrypt');
    const inner = await readObject(data);
    if (!(inner instanceof Api.PQInnerData || inner instanceof Api.PQInnerDataDc)) {
      throw new HandshakeError('encrypted data is not p_q_inner_data');
    }
    this.checkNonces(step, inner.nonce, inner.serverNonce);
    const newNonce = intToBytes(inner.newNonce, 32);
    const a = randomBytes(256);
    const answer = new Api.ServerDHInnerData({
      nonce: inner.nonce,
      serverNonce: inner.serverNonce,
      g: TELEGRAM_G,
      dhPrime: TELEGRAM_PRIME,
      gA: modPowPrime(Buffer.from([TELEGRAM_G]), a),
      serverTime: Math.floor(Date.now() / 1000),
    }).getBytes();
    const withHash = Buffer.concat([sha1(answer), answer]);
    const padded = Buffer.concat([withHash, randomBytes((16 - (withHash.length % 16)) % 16)]);
    const { key, iv } = handshakeAes(step.serverNonce, newNonce);
    this.step = { name: 'dh', nonce: step.nonce, serverNonce: step.serverNonce, newNonce, a };
    return new Api.ServerDHParamsOk({
      nonce: inner.nonce,
      serverNonce: inner.serverNonce,
      encryptedAnswer: igeEncrypt(key, iv, padded),
    });
  }

  private async clientDhParams(request: Api.SetClientDHParams): Promise<TlObject> {
    const step = this.step;
    if (step.name !== 'dh') throw new HandshakeError('set_client_DH_params before server_DH_params');
    this.checkNonces(step, request.nonce, request.serverNonce);
    if (request.encryptedData.length % 16 !== 0) throw new HandshakeError('bad encrypted data length');
    const { key, iv } = handshakeAes(step.serverNonce, step.newNonce);
    const plain = igeDecrypt(key, iv, request.encryptedData);
    const inner = await readObject(plain.subarray(20));
    if (!(inner instanceof Api.ClientDHInnerData)) throw new HandshakeError('not client_DH_inner_data');
    const innerBytes = inner.getBytes();
    if (!sha1(innerBytes).equals(plain.subarray(0, 20))) throw new HandshakeError('client DH hash mismatch');
    const gb = inner.gB;
    // The key is g_b^a mod p in GramJS's byte form: leading zero bytes dropped (so ~1 key in 256 is shorter).
    const material = authKeyMaterial(stripZeros(modPowPrime(gb, step.a)));
    this.step = { name: 'done' };
    this.onKey(material);
    return new Api.DhGenOk({
      nonce: request.nonce,
      serverNonce: request.serverNonce,
      newNonceHash1: bytesToInt(newNonceHash(step.newNonce, material.auxHash, 1)),
    });
  }

  private checkNonces(
    step: { nonce: Buffer; serverNonce: Buffer },
    nonce: Parameters<typeof intToBytes>[0],
    serverNonce: Parameters<typeof intToBytes>[0],
  ): void {
    if (!intToBytes(nonce, 16).equals(step.nonce) || !intToBytes(serverNonce, 16).equals(step.serverNonce)) {
      throw new HandshakeError('nonce mismatch');
    }
  }
}
