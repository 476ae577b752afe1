import { createConnection } from 'node:net';
import { Api, type TelegramClient } from 'telegram';
import { StringSession } from 'telegram/sessions';
import { EmulatorClient } from '../control';
import { startEmulator, type Emulator } from '../emulator';
import { createEmulatorClient, signInWithCode } from './client';

/** The MTProto port taken away and given back: connections cut and refused meanwhile, auth keys kept. */
let emulator: Emulator;
let control: EmulatorClient;
const clients: TelegramClient[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ mtprotoPort: 0 });
  control = new EmulatorClient(emulator.url);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.destroy()));
  await emulator.stop();
});

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('an MTProto outage', () => {
  it('cuts and refuses connections while down; afterwards the same session works without a new login', async () => {
    const info = await control.mtproto();
    await control.createUser({ phone: '+15550900001', username: 'outage_user' });
    const first = createEmulatorClient(info, { connectionRetries: 1, autoReconnect: false });
    clients.push(first);
    await signInWithCode(first, { phone: '+15550900001', readCode: (p) => control.loginCode(p) });
    const session = (first.session as StringSession).save();
    expect((await control.mtproto()).connections).toBeGreaterThan(0);

    await control.startMtprotoOutage();
    expect(await control.mtproto()).toMatchObject({ down: true, connections: 0 });
    expect(await refused(info.port)).toBe(true);
    await first.destroy();

    await control.endMtprotoOutage();
    expect((await control.mtproto()).down).toBe(false);
    expect(await refused(info.port)).toBe(false);
    const again = createEmulatorClient(info, { session, connectionRetries: 1 });
    clients.push(again);
    await again.connect();
    const me = await again.getMe();
    expect(me.username).toBe('outage_user');
    expect(await again.invoke(new Api.updates.GetState())).toBeInstanceOf(Api.updates.State);
    expect((await control.mtproto()).duplicates).toBe(0);
  });

  it('answers 404 for an outage when no MTProto server runs', async () => {
    const plain = await startEmulator({ mtprotoPort: false });
    try {
      const res = await fetch(`${plain.url}/_emulator/mtproto/outage`, { method: 'POST' });
      expect(res.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});
