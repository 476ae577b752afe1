import { createLogger, createMetricsRegistry } from '@integrations/observability';
import {
  EmulatorClient,
  createEmulatorClient,
  signInWithCode,
  startEmulator,
  type Emulator,
} from '@integrations/telegram-emulator';
import { PassThrough } from 'node:stream';
import type { TelegramClient } from 'telegram';
import type { StringSession } from 'telegram/sessions';
import { TelegramCalls } from './telegram-calls';

/** The bounded calls against a Telegram that forgot a session, or that is not there at all. */
describe('TelegramCalls', () => {
  const emulators: Emulator[] = [];
  const clients: TelegramClient[] = [];
  const calls = new TelegramCalls({
    timeoutMs: 20_000,
    connectTimeoutMs: 20_000,
    resetMs: 1_000,
    registry: createMetricsRegistry({ service: 'calls-test', defaultMetrics: false }),
    logger: createLogger({ service: 'calls-test', stream: new PassThrough() }),
  });
  afterAll(async () => {
    calls.close();
    await Promise.all(clients.map((client) => client.destroy()));
    for (const emulator of emulators) await emulator.stop();
  });
  const client = async (emulator: Emulator, session = '') => {
    const info = await new EmulatorClient(emulator.url).mtproto();
    const created = createEmulatorClient(info, { session, connectionRetries: 1, autoReconnect: false });
    clients.push(created);
    return created;
  };

  it('ends a session whose key Telegram no longer knows as revoked, instead of waiting for ever', async () => {
    const first = await startEmulator({ port: 0, mtprotoPort: 0 });
    const second = await startEmulator({ port: 0, mtprotoPort: 0 });
    emulators.push(first, second);
    const control = new EmulatorClient(first.url);
    const user = await control.createUser({ phone: '+15557700001' });
    const original = await client(first);
    await signInWithCode(original, { phone: user.phone, readCode: (phone) => control.loginCode(phone) });
    const session = (original.session as StringSession).save();

    // The same saved session against a Telegram that never saw its key (the second emulator): -404.
    const stranger = await client(second, session);
    await expect(calls.connect('forgotten', stranger)).rejects.toMatchObject({
      code: 'TELEGRAM_SESSION_REVOKED',
    });
    // Not a failure of Telegram: the account's breaker stays closed.
    expect(calls.isOpen('forgotten')).toBe(false);
  });
});
