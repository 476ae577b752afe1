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
  /** The two recipients of the account's sends. */
  let peerId = 0;
  let otherId = 0;
  const calls = new TelegramCalls({
    timeoutMs: 500,
    connectTimeoutMs: 5_000,
    resetMs: 60_000,
    registry: createMetricsRegistry({ service: 'timeout-test', defaultMetrics: false }),
    logger: createLogger({ service: 'timeout-test', stream: new PassThrough() }),
  });
  const sender = new AccountSender({ intervalMs: 0, calls });
  /** What reached the private chat with `to`, named by its key (the emulator's control API). */
  const delivered = async (to = peerId) => {
    const key = `private:${[`user:${senderId}`, `user:${to}`].sort().join(':')}`;
    return (await control.messages(key)).map((m) => m.text);
  };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, mtprotoPort: 0 });
    control = new EmulatorClient(emulator.url);
    const me = await control.createUser({ phone: '+15557710001' });
    senderId = me.id;
    ({ id: peerId } = await control.createUser({ phone: '+15557710002', username: 'timeout_peer' }));
    ({ id: otherId } = await control.createUser({ phone: '+15557710003', username: 'timeout_other' }));
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

  it('answers TELEGRAM_UNAVAILABLE when the client came too late, and does not send once it comes', async () => {
    // Both peers resolved and cached first: once the client comes, the late send (if it went) would reach
    // GramJS's queue within microtasks, ahead of the next send, which is answered only after it.
    for (const peer of ['@timeout_peer', '@timeout_other']) await client.getInputEntity(peer);
    let clientCame: () => void = () => undefined;
    const late = new Promise<void>((resolve) => (clientCame = resolve));
    await expect(
      sender.send(
        'a4',
        async () => {
          await late;
          return client;
        },
        '@timeout_peer',
        'm-late',
        { text: 'late' },
      ),
    ).rejects.toMatchObject({ code: 'TELEGRAM_UNAVAILABLE' });
    // The client arrives after the answer "not sent": the send given up on must not go out now. The next send
    // (to another chat, clear of Telegram's one message a second per chat) follows it on the same connection.
    clientCame();
    await sender.send('a4', async () => client, '@timeout_other', 'm-next', { text: 'next' });
    expect(await delivered(otherId)).toEqual(['next']);
    expect(await delivered()).not.toContain('late');
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
