/**
 * The one place the MTProto server touches GramJS. The server serialises and parses with GramJS's own TL classes
 * (`Api.*`, `getBytes()`, `BinaryReader.tgReadObject()`) and encrypts with its AES-IGE, so client and server can
 * never disagree on a constructor id or a field order. These are GramJS internals, not its public API: the
 * package pins `telegram` to an exact version (2.26.22, layer 198) and this adapter is what to revisit on an
 * upgrade.
 */
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { IGE } from 'telegram/crypto/IGE';
import { BinaryReader } from 'telegram/extensions';
import { readBigIntFromBuffer, toSignedLittleBuffer } from 'telegram/Helpers';
import { LAYER } from 'telegram/tl/AllTLObjects';
import { GZIPPacked, MessageContainer } from 'telegram/tl/core';

export { Api, bigInt, LAYER };
export type BigInteger = bigInt.BigInteger;

/** Anything GramJS can serialise: every `Api.*` object. */
export interface TlObject {
  className: string;
  CONSTRUCTOR_ID: number;
  getBytes(): Buffer;
}

/** A message inside a container, as GramJS's parser gives it. */
export interface InnerMessage {
  msgId: BigInteger;
  seqNo: number;
  obj: unknown;
}

/** Parses one TL object (a request, a container, gzip_packed) from the start of `data`. */
export async function readObject(data: Buffer): Promise<unknown> {
  // Core types (containers, gzip) come back as promises from GramJS's reader.
  return await (new BinaryReader(data).tgReadObject() as unknown);
}

export function isContainer(obj: unknown): obj is { messages: InnerMessage[] } {
  return obj instanceof MessageContainer;
}

export function gzipPayload(obj: unknown): Buffer | undefined {
  return obj instanceof GZIPPacked ? obj.data : undefined;
}

const VECTOR_ID = 0x1cb5c415;

/** `Vector<T>` of TL objects: what `users.getUsers` and friends answer. */
export function vectorOf(items: readonly TlObject[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(VECTOR_ID, 0);
  head.writeInt32LE(items.length, 4);
  return Buffer.concat([head, ...items.map((item) => item.getBytes())]);
}

export function igeEncrypt(key: Buffer, iv: Buffer, plain: Buffer): Buffer {
  return new IGE(key, iv).encryptIge(plain);
}

export function igeDecrypt(key: Buffer, iv: Buffer, cipher: Buffer): Buffer {
  return new IGE(key, iv).decryptIge(cipher);
}

/** int128 / int256 / long fields: GramJS holds them as signed big-integers, the wire has them little-endian. */
export function intToBytes(value: BigInteger, bytes: number): Buffer {
  return toSignedLittleBuffer(value, bytes);
}

export function bytesToInt(data: Buffer): BigInteger {
  return readBigIntFromBuffer(data, true, true);
}

export const longOf = (value: bigint | number | string): BigInteger => bigInt(String(value));
export const toBigint = (value: BigInteger): bigint => BigInt(value.toString());
