import { createLogger, createMetricsRegistry } from '@integrations/observability';
import { waitFor } from '@integrations/testing';
import {
  EmulatorClient,
  createEmulatorClient,
  signInWithCode,
  startEmulator,
  type Emulator,
} from '@integrations/telegram-emulator';
import { PassThrough } from 'node:stream';
import type { TelegramClient } from 'telegram';
import { TelegramCalls } from '../telegram/telegram-calls';
import { AccountSender } from './account-sender';

/**
 * A send the call timeout gave up on, with the real GramJS against the emulator: answered "not sent"
 * (TELEGRAM_UNAVAILABLE) only when the request provably never left the process, "may have arrived"
 * (UPSTREAM_TIMEOUT) otherwise.
 */
describe('AccountSender when Telegram does not answer in time', () => {
  let emulator: Emulator;
  let control: EmulatorClient;
  let client: TelegramClient;
  let senderId = 0;
  const calls = new TelegramCalls({
    timeoutMs: 500,
    connectTimeoutMs: 5_000,
    resetMs: 60_000,
    registry: createMetricsRegistry({ service: 'timeout-test', defaultMetrics: false }),
    logger: createLogger({ service: 'timeout-test', stream: new PassThrough() }),
  });
  const sender = new AccountSender({ intervalMs: 0, calls });
  const delivered = async () => (await control.messages(senderId)).map((m) => m.text);

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, mtprotoPort: 0 });
    control = new EmulatorClient(emulator.url);
    const me = await control.createUser({ phone: '+15557710001' });
    senderId = me.id;
    await control.createUser({ phone: '+15557710002', username: 'timeout_peer' });
    client = createEmulatorClient(await control.mtproto(), { connectionRetries: 1 });
    await signInWithCode(client, { phone: me.phone, readCode: (phone) => control.loginCode(phone) });
  });
  afterAll(async () => {
    calls.close();
    await client.destroy();
    await emulator.stop();
  });

  it('answers UPSTREAM_TIMEOUT for a request Telegram got but answered too late, and it did arrive', async () => {
    // The peer resolved and cached first, so that the slow call is the send itself.
    await sender.send('a1', async () => client, '@timeout_peer', 'm-first', { text: 'first' });
    await control.addFault({ target: 'user:+15557710001', kind: 'latency', ms: 1_500, count: 1 });

    await expect(
      sender.send('a1', async () => client, '@timeout_peer', 'm-slow', { text: 'slow' }),
    ).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryAfter: 5 });
    await waitFor('the slow send at Telegram', async () => (await delivered()).includes('slow'));
  });

  it('answers TELEGRAM_UNAVAILABLE for a request that never left, and it is not sent when Telegram is back', async () => {
    await control.startMtprotoOutage();
    await waitFor('the client cut off', () => !client.connected);
    await expect(
      sender.send('a2', async () => client, '@timeout_peer', 'm-cut', { text: 'cut off' }),
    ).rejects.toMatchObject({ code: 'TELEGRAM_UNAVAILABLE' });
    await control.endMtprotoOutage();
    // The same client connects again and sends what it still holds: the withdrawn request is not among it.
    if (!client.connected) await client.connect();
    await sender.send('a3', async () => client, '@timeout_peer', 'm-after', { text: 'after' });
    expect((await delivered()).filter((text) => text === 'cut off')).toEqual([]);
  });
});
