import { until } from '@integrations/testing';
import type {
  LogEntryPage,
  Message,
  Webhook,
  WebhookCreated,
  WebhookDeliveryPage,
} from '@integrations/contracts';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { startStack, type Stack } from './stack';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on a loopback port: answers each path from a script of status codes (the last one repeats). */
async function startReceiver(script: Record<string, number[]>) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const codes = script[req.url ?? ''] ?? [404];
      res.writeHead(codes.length > 1 ? (codes.shift() as number) : (codes[0] as number)).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Outgoing webhooks through the whole stack: an event of the user's reaches their URL signed per the Standard
 * Webhooks spec (checked with the spec's own reference library, not our code), retried with back-off after a
 * failure, logged with every attempt, and never another user's.
 */
describe('outgoing webhooks', () => {
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let alice: string;
  let mallory: string;

  const rest = async <T>(token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.apiUrl}/api/integrations${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  /** A bot of the user's in a group of its own; answers a function that sends a message there. */
  const botInGroup = async (token: string, name: string) => {
    const {
      bot,
      chats: [chat],
    } = await stack.connectBotWithGroups(token, `${name}_bot`);
    return async (text: string) =>
      (await rest<Message>(token, 'POST', `/telegram/bots/${bot.id}/send`, { chatId: chat.id, text })).body;
  };

  beforeAll(async () => {
    stack = await startStack('hooks');
    receiver = await startReceiver({ '/flaky': [500, 200], '/gone': [410] });
    alice = await stack.token('hook-alice');
    mallory = await stack.token('hook-mallory');
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  let webhook: WebhookCreated;
  let sent: Message;

  it('subscribes a URL and shows the signing secret once', async () => {
    const created = await rest<WebhookCreated>(alice, 'POST', '/webhooks', {
      url: `${receiver.url}/flaky`,
      events: ['telegram.message.*'],
    });
    expect(created.status).toBe(201);
    webhook = created.body;
    stack.rememberSecret(String(webhook.secret).slice('whsec_'.length));
    expect(webhook).toMatchObject({ status: 'active', events: ['telegram.message.*'] });
    expect(webhook.secret).toMatch(/^whsec_/);
    const read = await rest<Webhook>(alice, 'GET', `/webhooks/${webhook.id}`);
    const { secret: _shownOnce, ...withoutSecret } = webhook;
    expect(read.body).toEqual(withoutSecret);
  });

  it('refuses URLs that are not http(s) or carry credentials, and patterns that are not routing keys', async () => {
    for (const body of [
      { url: 'ftp://example.com/x', events: ['#'] },
      { url: 'https://user:pw@example.com/x', events: ['#'] },
      { url: 'https://example.com/x', events: ['telegram..sent'] },
      { url: 'https://example.com/x', events: [] },
    ]) {
      const res = await rest<{ code: string }>(alice, 'POST', '/webhooks', body);
      expect([body, res.status, res.body.code]).toEqual([body, 422, 'VALIDATION_FAILED']);
    }
    const list = await rest<{ items: Webhook[] }>(alice, 'GET', '/webhooks');
    expect(list.body.items.map((w) => w.id)).toEqual([webhook.id]);
  });

  it('delivers the user’s matching event signed, retrying after a 500 with the same webhook-id', async () => {
    const send = await botInGroup(alice, 'hook_alice');
    sent = await send('hello subscribers');
    expect(sent.status).toBe('sent');
    await until(() => receiver.received.filter((r) => r.path === '/flaky').length >= 2);
    const [first, second] = receiver.received.filter((r) => r.path === '/flaky') as [Received, Received];
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    const verifier = new StandardWebhook(String(webhook.secret));
    for (const attempt of [first, second]) {
      const payload = verifier.verify(attempt.body, attempt.headers as Record<string, string>) as {
        type: string;
        data: { messageId: string; userId: string };
      };
      expect(payload).toMatchObject({ type: 'telegram.message.sent', data: { messageId: sent.id } });
    }
    // The check is real: altered bytes or another secret fail it.
    expect(() => verifier.verify(`${second.body} `, second.headers as Record<string, string>)).toThrow();
    const other = new StandardWebhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`);
    expect(() => other.verify(second.body, second.headers as Record<string, string>)).toThrow();
    // bot.connected did not match the pattern: nothing else arrived.
    expect(receiver.received.filter((r) => r.path === '/flaky')).toHaveLength(2);
  });

  it('lists the delivery with both attempts', async () => {
    await until(async () => {
      const page = await rest<WebhookDeliveryPage>(alice, 'GET', `/webhooks/${webhook.id}/deliveries`);
      return page.body.items[0]?.status === 'delivered';
    });
    const page = await rest<WebhookDeliveryPage>(alice, 'GET', `/webhooks/${webhook.id}/deliveries`);
    expect(page.body.items).toHaveLength(1);
    const [delivery] = page.body.items;
    expect(delivery).toMatchObject({
      eventType: 'telegram.message.sent',
      status: 'delivered',
      nextAttemptAt: null,
    });
    expect(delivery?.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(delivery?.id).toBe(receiver.received.find((r) => r.path === '/flaky')?.headers['webhook-id']);
  });

  it('redelivers on request with the same webhook-id', async () => {
    const page = await rest<WebhookDeliveryPage>(alice, 'GET', `/webhooks/${webhook.id}/deliveries`);
    const deliveryId = page.body.items[0]?.id as string;
    const res = await rest(alice, 'POST', `/webhooks/${webhook.id}/deliveries/${deliveryId}/redeliver`);
    expect(res.status).toBe(202);
    await until(() => receiver.received.filter((r) => r.path === '/flaky').length >= 3);
    expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(deliveryId);
  });

  it('never sends another user’s events to the subscription', async () => {
    const malloryHook = await rest<WebhookCreated>(mallory, 'POST', '/webhooks', {
      url: `${receiver.url}/mallory`,
      events: ['#'],
    });
    expect(malloryHook.status).toBe(201);
    const malloryMessage = await (await botInGroup(mallory, 'hook_mallory'))('mallory here');
    const aliceAgain = await (await botInGroup(alice, 'hook_alice2'))('alice again');
    const bodies = () => receiver.received.filter((r) => r.path === '/flaky').map((r) => r.body);
    await until(() => bodies().some((b) => b.includes(aliceAgain.id)));
    await until(() =>
      receiver.received.some((r) => r.path === '/mallory' && r.body.includes(malloryMessage.id)),
    );
    expect(bodies().some((b) => b.includes(malloryMessage.id))).toBe(false);
    expect(receiver.received.filter((r) => r.path === '/mallory').some((r) => r.body.includes(sent.id))).toBe(
      false,
    );
    // Mallory cannot see or remove Alice's webhook.
    expect((await rest(mallory, 'GET', `/webhooks/${webhook.id}`)).status).toBe(404);
    expect((await rest(mallory, 'DELETE', `/webhooks/${webhook.id}`)).status).toBe(404);
  });

  it('disables a subscription whose receiver answers 410 Gone, and audits it', async () => {
    const gone = await rest<WebhookCreated>(alice, 'POST', '/webhooks', {
      url: `${receiver.url}/gone`,
      events: ['telegram.message.sent'],
    });
    await (
      await botInGroup(alice, 'hook_alice3')
    )('to a gone receiver');
    await until(
      async () => (await rest<Webhook>(alice, 'GET', `/webhooks/${gone.body.id}`)).body.status === 'disabled',
    );
    await until(async () => {
      const logs = await rest<LogEntryPage>(alice, 'GET', '/logs?type=security');
      return logs.body.items.some((i) => i.action === 'webhook_disabled');
    });
    const logs = await rest<LogEntryPage>(alice, 'GET', '/logs?type=security');
    expect(logs.body.items.map((i) => i.action)).toEqual(
      expect.arrayContaining(['webhook_created', 'webhook_disabled']),
    );
    const deliveries = await rest<WebhookDeliveryPage>(alice, 'GET', `/webhooks/${gone.body.id}/deliveries`);
    expect(deliveries.body.items[0]).toMatchObject({ status: 'failed' });
    expect(deliveries.body.items[0]?.attempts).toHaveLength(1);
  });

  it('removes a subscription', async () => {
    expect((await rest(alice, 'DELETE', `/webhooks/${webhook.id}`)).status).toBe(204);
    expect((await rest(alice, 'GET', `/webhooks/${webhook.id}`)).status).toBe(404);
  });
});
