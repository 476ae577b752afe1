import { until } from '@integrations/testing';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { batchWritesPerTick, socketOf } from './write-batching';

describe('batchWritesPerTick', () => {
  let server: Server;
  let received = '';
  let client: Socket;

  beforeAll(async () => {
    server = createServer((peer) => peer.on('data', (chunk) => (received += chunk.toString())));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new Socket();
    await new Promise<void>((resolve) =>
      client.connect((server.address() as AddressInfo).port, '127.0.0.1', resolve),
    );
  });
  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the writes of one tick in one writev, and the next tick’s apart, in order', async () => {
    batchWritesPerTick(client);
    batchWritesPerTick(client); // once is enough: a second call changes nothing
    const single = jest.spyOn(client, '_write');
    const vector = jest.spyOn(client, '_writev');
    client.write('a');
    client.write('b');
    client.write('c');
    await new Promise((resolve) => setImmediate(resolve));
    expect(vector).toHaveBeenCalledTimes(1);
    expect(vector.mock.calls[0]![0]).toHaveLength(3);
    expect(single).not.toHaveBeenCalled();

    client.write('d');
    await new Promise((resolve) => setImmediate(resolve));
    expect(single).toHaveBeenCalledTimes(1);
    expect(vector).toHaveBeenCalledTimes(1);
    await until(() => received.length === 4);
    expect(received).toBe('abcd');
  });

  it('finds the socket of an amqplib connection, and nothing in anything else', () => {
    const socket = new Socket();
    expect(socketOf({ connection: { stream: socket } })).toBe(socket);
    expect(socketOf({ connection: {} })).toBeUndefined();
    expect(socketOf(undefined)).toBeUndefined();
  });
});
