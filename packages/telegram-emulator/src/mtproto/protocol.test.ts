import { connect, type Socket } from 'node:net';
import { crc32 } from 'node:zlib';
import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import { World } from '../world';
import { createEmulatorClient, signInWithCode, type EmulatorMtprotoInfo } from './client';
import { rpcError } from './testing';
import { rsaFingerprint, tlBytes } from './crypto';
import { startMtprotoServer } from './server';
import { FullTransportDecoder, FullTransportEncoder, TransportError } from './transport';
import type { MtprotoHandle } from '../emulator';

/** The transport and the server's answers to clients that misbehave, at the byte level. */
describe('TCP full transport', () => {
  it('round-trips packets split across chunks and counts sequence numbers', () => {
    const encoder = new FullTransportEncoder();
    const decoder = new FullTransportDecoder();
    const wire = Buffer.concat([encoder.encode(Buffer.alloc(8, 1)), encoder.encode(Buffer.alloc(16, 2))]);
    expect(decoder.push(wire.subarray(0, 5))).toEqual([]);
    const payloads = decoder.push(wire.subarray(5));
    expect(payloads).toEqual([Buffer.alloc(8, 1), Buffer.alloc(16, 2)]);
  });

  it('refuses a bad checksum, a wrong sequence number and an absurd length', () => {
    const packet = new FullTransportEncoder().encode(Buffer.alloc(8));
    const corrupt = Buffer.from(packet);
    corrupt[10] = 0xff;
    expect(() => new FullTransportDecoder().push(corrupt)).toThrow(TransportError);

    const skipped = new FullTransportEncoder();
    skipped.encode(Buffer.alloc(4));
    expect(() => new FullTransportDecoder().push(skipped.encode(Buffer.alloc(4)))).toThrow(
      /seq 1, expected 0/,
    );

    const huge = Buffer.alloc(4);
    huge.writeInt32LE(64 * 1024 * 1024, 0);
    expect(() => new FullTransportDecoder().push(huge)).toThrow(/bad packet length/);
  });

  it('computes the RSA fingerprint over TL-serialized n and e', () => {
    // tlBytes pads to 4 and uses the long form past 253 bytes, as TL does.
    expect(tlBytes(Buffer.alloc(3, 1))).toEqual(Buffer.from([3, 1, 1, 1]));
    expect(tlBytes(Buffer.alloc(256)).subarray(0, 4)).toEqual(Buffer.from([254, 0, 1, 0]));
    expect(rsaFingerprint(Buffer.alloc(256, 7), Buffer.from([1, 0, 1]))).toMatch(/^-?\d+$/);
  });
});

describe('MTProto server with misbehaving clients', () => {
  let world: World;
  let server: MtprotoHandle;
  let info: EmulatorMtprotoInfo;
  const clients: TelegramClient[] = [];

  beforeAll(async () => {
    world = new World();
    server = await startMtprotoServer({ world, host: '127.0.0.1', port: 0 });
    info = server.info!() as EmulatorMtprotoInfo;
  });

  afterEach(async () => {
    world.faults.clear();
    await Promise.all(clients.splice(0).map((c) => c.destroy()));
  });

  afterAll(async () => {
    await server.stop();
  });

  function raw(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  const closed = (socket: Socket): Promise<Buffer> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.once('close', () => resolve(Buffer.concat(chunks)));
    });

  it('closes a connection that speaks another transport', async () => {
    const socket = await raw();
    const done = closed(socket);
    socket.write(Buffer.from([0xef, 0x01, 0x02, 0x03])); // TCP abridged's tag, which we do not speak
    expect((await done).length).toBe(0);
  });

  it("answers an unknown auth key with Telegram's -404 and closes", async () => {
    const socket = await raw();
    const done = closed(socket);
    const body = Buffer.alloc(8 + 16 + 48, 9); // auth_key_id 0x0909... + msg_key + data
    socket.write(new FullTransportEncoder().encode(body));
    const answer = await done;
    expect(answer.readInt32LE(0)).toBe(16);
    expect(answer.readInt32LE(8)).toBe(-404);
    expect(crc32(answer.subarray(0, 12))).toBe(answer.readUInt32LE(12));
  });

  it('closes a handshake that skips a step, and keeps serving others', async () => {
    const socket = await raw();
    const done = closed(socket);
    // A plain message (auth_key_id 0) carrying set_client_DH_params before any req_pq.
    const early = new Api.SetClientDHParams({
      nonce: bigInt(1),
      serverNonce: bigInt(2),
      encryptedData: Buffer.alloc(16),
    }).getBytes();
    const head = Buffer.alloc(20);
    head.writeBigInt64LE(1n << 32n, 8);
    head.writeInt32LE(early.length, 16);
    const bogus = Buffer.concat([head, early]);
    socket.write(new FullTransportEncoder().encode(bogus));
    await done;

    const user = world.createUser({ phone: '+15550200001' });
    const client = createEmulatorClient(info, { connectionRetries: 1, autoReconnect: false });
    clients.push(client);
    await signInWithCode(client, { phone: user.phone, readCode: async (p) => world.lastLoginCode(p) });
    expect((await client.getMe()).id.toString()).toBe(String(user.id));
  });

  it('ends every session on a world reset: the old session answers AUTH_KEY_UNREGISTERED', async () => {
    const user = world.createUser({ phone: '+15550200003' });
    const client = createEmulatorClient(info, { connectionRetries: 1, autoReconnect: false });
    clients.push(client);
    await signInWithCode(client, { phone: user.phone, readCode: async (p) => world.lastLoginCode(p) });
    world.reset();
    expect(await rpcError(client.getMe())).toMatchObject({
      code: 401,
      errorMessage: 'AUTH_KEY_UNREGISTERED',
    });
    expect(server.info!().authorized).toBe(0);
  });

  it('drops the connection on a drop fault; GramJS reconnects with the same key and carries on', async () => {
    const user = world.createUser({ phone: '+15550200002' });
    const client = createEmulatorClient(info, { connectionRetries: 3, autoReconnect: true });
    clients.push(client);
    await signInWithCode(client, { phone: user.phone, readCode: async (p) => world.lastLoginCode(p) });
    const keys = server.info!().authKeys;
    world.faults.add({ target: `user:${user.phone}`, kind: 'drop', count: 1 });
    // The call in flight is lost with the connection; GramJS resends it once it has reconnected.
    const me = await client.getMe();
    expect(me.id.toString()).toBe(String(user.id));
    expect(server.info!().authKeys).toBe(keys);
    expect(server.info!().duplicates).toBe(0);
  });
});
