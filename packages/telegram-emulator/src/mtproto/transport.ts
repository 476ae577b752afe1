import { crc32 } from 'node:zlib';

/** Telegram closes connections that send bigger packets; so do we, before buffering them. */
export const MAX_PACKET_BYTES = 2 * 1024 * 1024;

export class TransportError extends Error {}

/**
 * MTProto's TCP "full" transport (https://core.telegram.org/mtproto/mtproto-transports#full): every packet is
 * `length:int32 seq:int32 payload crc32:int32`, with the length counting all of it and a sequence number per
 * direction. GramJS's `ConnectionTCPFull` speaks it, with no leading tag byte.
 */
export class FullTransportDecoder {
  private buffered: Buffer = Buffer.alloc(0);
  private expectedSeq = 0;

  /** Feeds received bytes; answers the complete payloads in them. Throws `TransportError` on a bad packet. */
  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const payloads: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readInt32LE(0);
      if (length < 12 || length > MAX_PACKET_BYTES || length % 4 !== 0) {
        throw new TransportError(`bad packet length ${length} (is the client using the full TCP transport?)`);
      }
      if (this.buffered.length < length) break;
      const packet = this.buffered.subarray(0, length);
      this.buffered = this.buffered.subarray(length);
      const seq = packet.readInt32LE(4);
      const checksum = packet.readUInt32LE(length - 4);
      if (crc32(packet.subarray(0, length - 4)) !== checksum) throw new TransportError('bad packet checksum');
      if (seq !== this.expectedSeq)
        throw new TransportError(`packet seq ${seq}, expected ${this.expectedSeq}`);
      this.expectedSeq += 1;
      payloads.push(Buffer.from(packet.subarray(8, length - 4)));
    }
    return payloads;
  }
}

export class FullTransportEncoder {
  private seq = 0;

  encode(payload: Buffer): Buffer {
    const length = payload.length + 12;
    const packet = Buffer.alloc(length);
    packet.writeInt32LE(length, 0);
    packet.writeInt32LE(this.seq, 4);
    payload.copy(packet, 8);
    packet.writeUInt32LE(crc32(packet.subarray(0, length - 4)), length - 4);
    this.seq += 1;
    return packet;
  }
}
