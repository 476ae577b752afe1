import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createTestVhost, rabbitManagement, waitFor, type TestVhost } from '@integrations/testing';
import { Messaging, type FieldSealer } from './index';

/**
 * No command waits in RabbitMQ with a secret in plain text: a retried command's token, password or login code is
 * sealed with the consumer's key (and opened again for the handler); a dead letter keeps `[REDACTED]` in their
 * place and expires. Read through the management API, as an operator would.
 */
const ctx = { userId: 'user-1', requestId: 'req-1' };
const TOKEN = `123456789:${'sealed_token_value_'.repeat(2)}`;

/** AES-256-GCM with a key of the test's own: what `fieldSealer(cipher)` does with the keyring. */
function testSealer(): FieldSealer {
  const key = randomBytes(32);
  return {
    seal: async (plaintext) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `test:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    unseal: async (sealed) => {
      const raw = Buffer.from(sealed.slice('test:'.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

interface QueuedMessage {
  payload: string;
  properties: { headers?: Record<string, unknown>; expiration?: string };
}

describe('secrets in RabbitMQ', () => {
  let vhost: TestVhost;
  const connections: Messaging[] = [];
  let client: Messaging;

  const queued = async (queue: string): Promise<QueuedMessage[]> =>
    rabbitManagement<QueuedMessage[]>('POST', `/queues/${encodeURIComponent(vhost.name)}/${queue}/get`, {
      count: 10,
      ackmode: 'ack_requeue_true',
      encoding: 'auto',
    });
  async function consumer(
    queue: string,
    binding: string,
    options: { retryDelaysMs: number[]; sealer?: FieldSealer },
    handler: (data: Record<string, string>) => Promise<unknown>,
  ): Promise<void> {
    const messaging = await Messaging.connect({ url: vhost.url, service: `test-${queue}`, ...options });
    connections.push(messaging);
    await messaging.consumeCommands({
      queue,
      bindings: [binding],
      handler: (envelope) => handler(envelope.data as Record<string, string>),
    });
  }

  beforeAll(async () => {
    vhost = await createTestVhost('secrets-at-rest');
    client = await Messaging.connect({ url: vhost.url, service: 'test-api' });
  });
  afterAll(async () => {
    await client?.close();
    for (const messaging of connections) await messaging.close();
    await vhost?.delete();
  });

  it('seals the secret of a command waiting in a retry queue', async () => {
    const sealer = testSealer();
    let attempts = 0;
    await consumer('slow', 'telegram.bot.connect', { retryDelaysMs: [60_000], sealer }, async () => {
      attempts += 1;
      throw new Error('database unavailable');
    });
    await client.sendCommand('telegram.bot.connect', { token: TOKEN }, ctx);
    await waitFor(
      'the command in slow.mid.retry.1',
      async () => (await queued('slow.mid.retry.1')).length === 1,
    );
    const [waiting] = await queued('slow.mid.retry.1');
    expect(attempts).toBe(1);
    expect(waiting?.payload).not.toContain(TOKEN.split(':')[1]);
    expect(waiting?.properties.headers?.['x-sealed-fields']).toBe('token');
    const sealed = (JSON.parse(waiting?.payload ?? '{}') as { data: { token: string } }).data.token;
    expect(await sealer.unseal(sealed)).toBe(TOKEN);
  });

  it('opens the sealed fields again for the handler of the retry', async () => {
    const received: string[] = [];
    await consumer(
      'quick',
      'telegram.account.flow.password',
      { retryDelaysMs: [50], sealer: testSealer() },
      async (data) => {
        received.push(data['password'] ?? '');
        if (received.length === 1) throw new Error('database unavailable');
        return {};
      },
    );
    await client.sendCommand(
      'telegram.account.flow.password',
      { flowId: 'f1', password: 'hunter2-2fa' },
      ctx,
    );
    await waitFor('the retried command', () => received.length === 2);
    expect(received).toEqual(['hunter2-2fa', 'hunter2-2fa']);
  });

  it('dead-letters a secret-bearing command redacted and with a TTL, and never retries it unsealed', async () => {
    let attempts = 0;
    await consumer('plain', 'telegram.account.flow.code', { retryDelaysMs: [50, 50] }, async () => {
      attempts += 1;
      throw new Error('database unavailable');
    });
    await client.sendCommand('telegram.account.flow.code', { flowId: 'f2', code: '24680' }, ctx);
    await waitFor('the dead letter', async () => (await queued('plain.dead')).length === 1);
    const [dead] = await queued('plain.dead');
    expect(attempts).toBe(1);
    expect(dead?.payload).not.toContain('24680');
    expect(JSON.parse(dead?.payload ?? '{}')).toMatchObject({ data: { flowId: 'f2', code: '[REDACTED]' } });
    expect(dead?.properties.headers).toMatchObject({ 'x-redacted-fields': 'code' });
    expect(Number(dead?.properties.expiration)).toBeGreaterThan(0);
  });

  it('publishes a command sealed when the publisher has the key, and the consumer opens it', async () => {
    const sealer = testSealer();
    const received: string[] = [];
    const handler = async (data: Record<string, string>) => {
      received.push(data['token'] ?? '');
      return {};
    };
    // Declare the queue, then stop consuming, so that the published command waits in it for a look.
    const first = await Messaging.connect({
      url: vhost.url,
      service: 'test-first',
      sealer,
      retryDelaysMs: [50],
    });
    await first.consumeCommands({
      queue: 'sealedpub',
      bindings: ['telegram.bot.remove', 'telegram.bot.connect'],
      handler: async (e) => handler(e.data as Record<string, string>),
    });
    await first.close();
    const api = await Messaging.connect({ url: vhost.url, service: 'test-sealing-api', sealer });
    connections.push(api);
    await api.sendCommand('telegram.bot.connect', { token: TOKEN }, ctx);
    await waitFor('the command in sealedpub.mid', async () => (await queued('sealedpub.mid')).length === 1);
    const [waiting] = await queued('sealedpub.mid');
    expect(waiting?.payload).not.toContain(TOKEN.split(':')[1]);
    expect(waiting?.properties.headers?.['x-sealed-fields']).toBe('token');
    await consumer('sealedpub', 'telegram.bot.connect', { retryDelaysMs: [50], sealer }, handler);
    await waitFor('the consumer to open the command', () => received.length === 1);
    expect(received).toEqual([TOKEN]);
  });
});
