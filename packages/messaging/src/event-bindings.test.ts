import type { Envelope } from '@integrations/contracts';
import { createTestVhost, rabbitManagement, waitFor, type TestVhost } from '@integrations/testing';
import { Messaging } from './index';

const ctx = { userId: 'user-1' };
const removed = (webhookId: string) => ({ userId: 'user-1', webhookId });

describe('event queues bound on demand and retired', () => {
  let vhost: TestVhost;
  const connections: Messaging[] = [];
  const connect = async (service: string) => {
    const messaging = await Messaging.connect({ url: vhost.url, service, retryDelaysMs: [50, 100] });
    connections.push(messaging);
    return messaging;
  };
  /** The routing keys binding `queue` to the events exchange, as RabbitMQ's management API lists them. */
  const bindingsOf = async (queue: string) => {
    const rows = await rabbitManagement<{ source: string; routing_key: string }[]>(
      'GET',
      `/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent(queue)}/bindings`,
    );
    return rows.filter((b) => b.source === 'integrations.events').map((b) => b.routing_key);
  };
  const queueExists = async (queue: string) =>
    (
      await rabbitManagement<{ name?: string } | undefined>(
        'GET',
        `/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent(queue)}`,
      )
    )?.name === queue;

  beforeAll(async () => {
    vhost = await createTestVhost('event-bindings');
  });

  afterAll(async () => {
    for (const messaging of connections) await messaging.close();
    await vhost?.delete();
  });

  it('declares an unbound queue, binds it before bind() resolves, and unbinds it', async () => {
    const consumer = await connect('test-stream');
    const publisher = await connect('test-publisher');
    const seen: string[] = [];
    const queue = 'test.sse.1';
    const bindings = await consumer.consumeEvents({
      queue,
      patterns: ['security.webhook.*'],
      transient: true,
      bound: false,
      handler: async (envelope) => {
        seen.push((envelope.data as { webhookId: string }).webhookId);
      },
    });
    expect(await bindingsOf(queue)).toEqual([]);
    await publisher.publishEvent('security.webhook.removed', removed('before'), ctx);

    await bindings.bind();
    expect(await bindingsOf(queue)).toEqual(['security.webhook.*']);
    // Published right after bind() resolved, so it must arrive.
    await publisher.publishEvent('security.webhook.removed', removed('bound'), ctx);
    await waitFor('the event published while bound', () => seen.includes('bound'));

    await bindings.unbind();
    expect(await bindingsOf(queue)).toEqual([]);
    // Bind and unbind in quick succession apply in order: the last one wins.
    void bindings.bind();
    await bindings.unbind();
    expect(await bindingsOf(queue)).toEqual([]);
    await publisher.publishEvent('security.webhook.removed', removed('after'), ctx);
    await bindings.bind();
    await publisher.publishEvent('security.webhook.removed', removed('again'), ctx);
    await waitFor('the event published once bound again', () => seen.includes('again'));
    expect(seen).toEqual(['bound', 'again']);
  });

  it("retires an old version's queue: waits while it has a consumer, then unbinds, drains and deletes it", async () => {
    const queue = 'test-audit.webhooks';
    // The old version: its queue bound to every event, with a consumer attached until it is stopped.
    const old = await Messaging.connect({ url: vhost.url, service: 'old-audit', retryDelaysMs: [50, 100] });
    await old.consumeEvents({ queue, patterns: ['#'], handler: async () => undefined });
    const publisher = await connect('test-publisher');
    const current = await connect('new-audit');
    const handled: Envelope[] = [];
    let failNext = true;
    const retired = current.retireEventQueue({
      queue,
      patterns: ['#'],
      handler: async (envelope) => {
        if (failNext) {
          failNext = false;
          throw new Error('database unavailable');
        }
        handled.push(envelope);
      },
    });
    expect(await retired.pass()).toBe('in use');
    expect(await bindingsOf(queue)).toEqual(['#']);

    await old.close();
    await publisher.publishEvent('security.webhook.removed', removed('w1'), ctx);
    await publisher.publishEvent('security.webhook.removed', removed('w2'), ctx);
    await waitFor('the old consumer gone', async () => (await retired.pass()) !== 'in use');
    // The first pass ended at the failure; the message went back and nothing was deleted.
    expect(await queueExists(queue)).toBe(true);
    expect(await bindingsOf(queue)).toEqual([]);

    expect(await retired.pass()).toBe('retired');
    expect(handled.map((e) => (e.data as { webhookId: string }).webhookId).sort()).toEqual(['w1', 'w2']);
    expect(await queueExists(queue)).toBe(false);
    expect(await queueExists(`${queue}.retry.1`)).toBe(false);
    expect(await retired.pass()).toBe('absent');
  });
});
