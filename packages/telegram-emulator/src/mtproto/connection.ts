import type { Socket } from 'node:net';
import type { AuthKeyRecord, AuthKeyStore, LiveConnection } from './auth-keys';
import { decryptFromClient, encryptToClient, type ServerRsaKey } from './crypto';
import { Handshake } from './handshake';
import { RpcError } from './rpc-error';
import { Api, gzipPayload, isContainer, longOf, readObject, type TlObject } from './tl';
import { FullTransportDecoder, FullTransportEncoder } from './transport';

const RPC_RESULT_ID = 0xf35c6d01;

/** What the server gives each connection. */
export interface ConnectionDeps {
  rsa: ServerRsaKey;
  keys: AuthKeyStore;
  /** Runs one API call; answers the serialized result, throws `RpcError`, or answers undefined to stay silent. */
  dispatch(call: {
    connection: MtprotoConnection;
    key: AuthKeyRecord;
    request: unknown;
  }): Promise<Buffer | undefined>;
  onError?(error: unknown): void;
}

/**
 * One client's TCP connection: the full transport, the plain handshake, then MTProto 2.0 encrypted messages:
 * containers, gzip, acks, pings, `rpc_result` / `rpc_error` and pushed updates. API calls run one after another
 * per connection (Telegram keeps a client's order too); service messages such as pings are answered at once.
 */
export class MtprotoConnection implements LiveConnection {
  private readonly decoder = new FullTransportDecoder();
  private readonly encoder = new FullTransportEncoder();
  private readonly handshake: Handshake;
  private inbound: Promise<void> = Promise.resolve();
  private calls: Promise<void> = Promise.resolve();
  private lastMsgId = 0n;
  private seq = 0;
  private disconnectTimer: NodeJS.Timeout | undefined;
  key: AuthKeyRecord | undefined;
  sessionId: bigint | undefined;
  duplicated = false;
  closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.handshake = new Handshake(deps.rsa, (material) => {
      deps.keys.add(material);
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.onClose());
    socket.on('error', () => undefined); // `close` follows; a reset client is not the server's error
  }

  /** Sends an update to the client (e.g. a new message); dropped when the connection cannot take it. */
  push(update: TlObject | { getBytes(): Buffer }): void {
    if (this.closed || this.duplicated || this.sessionId === undefined) return;
    this.sendEncrypted(update.getBytes(), true, false);
  }

  /** Closes the TCP connection (the `drop` fault, a protocol error). */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let payloads: Buffer[];
    try {
      payloads = this.decoder.push(chunk);
    } catch {
      this.destroy();
      return;
    }
    for (const payload of payloads) {
      this.inbound = this.inbound
        .then(() => this.onPacket(payload))
        .catch((error: unknown) => {
          this.deps.onError?.(error);
          this.destroy();
        });
    }
  }

  private async onPacket(payload: Buffer): Promise<void> {
    if (this.closed) return;
    if (payload.length < 8) throw new Error('packet too short');
    const authKeyId = payload.readBigInt64LE(0);
    if (authKeyId === 0n) return this.onPlain(payload);
    const record = this.deps.keys.get(authKeyId);
    if (record === undefined || (this.key !== undefined && this.key !== record)) {
      // Telegram's "auth key not found": a bare -404 instead of a message; GramJS then drops the key.
      const notFound = Buffer.alloc(4);
      notFound.writeInt32LE(-404, 0);
      this.socket.end(this.encoder.encode(notFound));
      return;
    }
    const plain = decryptFromClient(record.material.key, payload.subarray(8));
    if (plain === undefined || plain.length < 32) throw new Error('message did not decrypt');
    const sessionId = plain.readBigInt64LE(8);
    const msgId = plain.readBigInt64LE(16);
    const length = plain.readInt32LE(28);
    if (length < 0 || 32 + length > plain.length) throw new Error('bad message length');
    if (this.key === undefined) {
      this.key = record;
      this.sessionId = sessionId;
      this.deps.keys.attach(record, this);
      this.sendNewSession(msgId);
    } else if (this.sessionId !== sessionId) {
      this.sessionId = sessionId;
      this.sendNewSession(msgId);
    }
    let obj: unknown;
    try {
      obj = await readObject(plain.subarray(32, 32 + length));
    } catch {
      this.sendRpcError(msgId, new RpcError(400, 'INPUT_CONSTRUCTOR_INVALID'));
      return;
    }
    await this.onMessage(msgId, obj);
  }

  private async onPlain(payload: Buffer): Promise<void> {
    if (payload.length < 20) throw new Error('plain message too short');
    const length = payload.readInt32LE(16);
    const answer = await this.handshake.handle(payload.subarray(20, 20 + length));
    const body = answer.getBytes();
    const head = Buffer.alloc(20);
    head.writeBigInt64LE(this.nextMsgId(true), 8);
    head.writeInt32LE(body.length, 16);
    this.write(Buffer.concat([head, body]));
  }

  private async onMessage(msgId: bigint, obj: unknown): Promise<void> {
    if (isContainer(obj)) {
      for (const inner of obj.messages) {
        await this.onMessage(BigInt(inner.msgId.toString()), await inner.obj);
      }
      return;
    }
    const unpacked = gzipPayload(obj);
    if (unpacked !== undefined) return this.onMessage(msgId, await readObject(unpacked));
    if (obj instanceof Api.MsgsAck) return;
    if (obj instanceof Api.Ping || obj instanceof Api.PingDelayDisconnect) {
      this.sendEncrypted(new Api.Pong({ msgId: longOf(msgId), pingId: obj.pingId }).getBytes(), false, true);
      if (obj instanceof Api.PingDelayDisconnect) this.armDisconnect(obj.disconnectDelay);
      return;
    }
    if (obj instanceof Api.DestroySession) {
      this.sendEncrypted(new Api.DestroySessionOk({ sessionId: obj.sessionId }).getBytes(), false, true);
      return;
    }
    const key = this.key!;
    this.calls = this.calls.then(() => this.runCall(msgId, key, obj));
  }

  private async runCall(msgId: bigint, key: AuthKeyRecord, request: unknown): Promise<void> {
    if (this.closed) return;
    try {
      if (this.duplicated) throw new RpcError(406, 'AUTH_KEY_DUPLICATED');
      const result = await this.deps.dispatch({ connection: this, key, request });
      if (result === undefined || this.closed) return;
      const head = Buffer.alloc(12);
      head.writeUInt32LE(RPC_RESULT_ID, 0);
      head.writeBigInt64LE(msgId, 4);
      this.sendEncrypted(Buffer.concat([head, result]), true, true);
    } catch (error) {
      if (error instanceof RpcError) {
        this.sendRpcError(msgId, error);
      } else {
        this.deps.onError?.(error);
        this.sendRpcError(msgId, new RpcError(500, 'INTERNAL'));
      }
    }
  }

  private sendRpcError(msgId: bigint, error: RpcError): void {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(RPC_RESULT_ID, 0);
    head.writeBigInt64LE(msgId, 4);
    const body = new Api.RpcError({ errorCode: error.code, errorMessage: error.message }).getBytes();
    this.sendEncrypted(Buffer.concat([head, body]), true, true);
  }

  private sendNewSession(firstMsgId: bigint): void {
    const salt = this.key!.salt.readBigInt64LE(0);
    const notice = new Api.NewSessionCreated({
      firstMsgId: longOf(firstMsgId),
      uniqueId: longOf(this.sessionId!),
      serverSalt: longOf(salt),
    });
    this.sendEncrypted(notice.getBytes(), true, false);
  }

  /** `ping_delay_disconnect`: close the connection when no ping comes within the delay (seconds). */
  private armDisconnect(delaySeconds: number): void {
    clearTimeout(this.disconnectTimer);
    if (delaySeconds <= 0) return;
    this.disconnectTimer = setTimeout(() => this.destroy(), delaySeconds * 1000);
    this.disconnectTimer.unref();
  }

  private sendEncrypted(body: Buffer, contentRelated: boolean, response: boolean): void {
    if (this.closed || this.key === undefined || this.sessionId === undefined) return;
    const head = Buffer.alloc(32);
    this.key.salt.copy(head, 0);
    head.writeBigInt64LE(this.sessionId, 8);
    head.writeBigInt64LE(this.nextMsgId(response), 16);
    head.writeInt32LE(contentRelated ? this.seq * 2 + 1 : this.seq * 2, 24);
    if (contentRelated) this.seq += 1;
    head.writeInt32LE(body.length, 28);
    this.write(encryptToClient(this.key.material, Buffer.concat([head, body])));
  }

  /** Server message ids: about unix time × 2^32, growing, ≡ 1 (mod 4) for answers, ≡ 3 for the server's own. */
  private nextMsgId(response: boolean): bigint {
    let id = (BigInt(Date.now()) * 4294967n) & ~3n;
    if (id <= this.lastMsgId) id = (this.lastMsgId & ~3n) + 4n;
    id |= response ? 1n : 3n;
    this.lastMsgId = id;
    return id;
  }

  private write(payload: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    this.socket.write(this.encoder.encode(payload));
  }

  private onClose(): void {
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    if (this.key !== undefined) this.deps.keys.detach(this.key, this);
  }
}
