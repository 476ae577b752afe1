import { DomainError, type Envelope } from '@integrations/contracts';
import { createMetricsRegistry, inSpan } from '@integrations/observability';
import {
  createTestVhost,
  infra,
  startProxyFor,
  waitFor,
  type TcpProxy,
  type TestVhost,
} from '@integrations/testing';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Socket } from 'node:net';
import { Messaging, shardOf, shardQueueOf, type Priority } from './index';

const ctx = { userId: 'user-1', requestId: 'req-1' };
/** Polls with a deadline: a condition that never holds fails with a message, not at Jest's timeout. */
const until = (check: () => boolean | Promise<boolean>) => waitFor('the condition of this step', check);
const management = (path: string, init?: RequestInit) => {
  const base = new URL(infra.rabbitManagementUrl);
  const auth = Buffer.from(
    `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`,
  ).toString('base64');
  base.username = '';
  base.password = '';
  return fetch(new URL(`api/${path}`, base), {
    ...init,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
  });
};

describe('Messaging against RabbitMQ', () => {
  let vhost: TestVhost;
  let server: Messaging;
  let client: Messaging;
  const registry = createMetricsRegistry({ service: 'messaging-test', defaultMetrics: false });
  const seen: { envelope: Envelope; priority: Priority }[] = [];
  let failTimes = 0;
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    vhost = await createTestVhost('messaging');
    server = await Messaging.connect({
      url: vhost.url,
      service: 'test-connector',
      registry,
      retryDelaysMs: [50, 100],
    });
    client = await Messaging.connect({ url: vhost.url, service: 'test-api' });
    await server.consumeCommands({
      queue: 'test-connector',
      bindings: ['telegram.bot.*'],
      handler: async (envelope, meta) => {
        seen.push({ envelope, priority: meta.priority });
        const data = envelope.data as { id?: string };
        if (envelope.type === 'telegram.bot.remove') {
          if (failTimes > 0) {
            failTimes -= 1;
            throw new Error('database unavailable');
          }
          return {};
        }
        if (data.id === 'missing') throw new DomainError('NOT_FOUND', 'No such bot.');
        return {
          id: data.id,
          telegramBotId: '123',
          username: 'demo_bot',
          firstName: 'Demo',
          status: 'active',
          isActive: true,
          label: null,
          updatesMode: 'polling',
          createdAt: '2026-11-24T10:00:00.000Z',
          updatedAt: '2026-11-24T10:00:00.000Z',
        };
      },
    });
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    await vhost?.delete();
    trace.disable();
    context.disable();
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('answers a request with the handler result, carrying the user and the trace', async () => {
    const reply = await inSpan('rest request', {}, () =>
      client.request('telegram.bot.get', { id: 'b1' }, ctx),
    );
    expect(reply).toMatchObject({ ok: true, data: { id: 'b1', username: 'demo_bot' } });
    expect(seen[0]?.priority).toBe('high');
    expect(seen[0]?.envelope).toMatchObject({
      userid: 'user-1',
      requestid: 'req-1',
      source: 'test-api',
      type: 'telegram.bot.get',
    });
    // The consumer ends its span just after replying: wait for it rather than race it.
    await until(() => exporter.getFinishedSpans().some((s) => s.name === 'telegram.bot.get process'));
    const spans = exporter.getFinishedSpans();
    const rest = spans.find((s) => s.name === 'rest request');
    const processed = spans.find((s) => s.name === 'telegram.bot.get process');
    expect(processed?.spanContext().traceId).toBe(rest?.spanContext().traceId);
  });

  it('turns a DomainError into a failed reply without retrying', async () => {
    const reply = await client.request('telegram.bot.get', { id: 'missing' }, ctx);
    expect(reply).toEqual({ ok: false, error: { code: 'NOT_FOUND', status: 404, detail: 'No such bot.' } });
    expect(seen).toHaveLength(1);
  });

  it('answers UPSTREAM_TIMEOUT when nobody consumes the command', async () => {
    const reply = await client.request('telegram.account.get', { id: 'a1' }, ctx, { timeoutMs: 200 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'UPSTREAM_TIMEOUT', status: 504 } });
  });

  it('refuses to publish a message that breaks its schema', async () => {
    await expect(client.request('telegram.bot.get', { id: 'b1', surprise: true }, ctx)).rejects.toMatchObject(
      { code: 'VALIDATION_FAILED' },
    );
    await expect(client.publishEvent('telegram.bot.removed', { botId: 'b1' }, ctx)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('routes by priority into separate queues', async () => {
    await client.sendCommand('telegram.bot.get', { id: 'low-1' }, ctx, { priority: 'low' });
    await client.sendCommand('telegram.bot.get', { id: 'mid-1' }, ctx);
    await until(() => seen.length === 2);
    expect(seen.map((s) => s.priority).sort()).toEqual(['low', 'mid']);
  });

  it('retries a failing handler with back-off and replies once it succeeds', async () => {
    failTimes = 2;
    const reply = await client.request('telegram.bot.remove', { id: 'b1' }, ctx);
    expect(reply).toEqual({ ok: true, data: {} });
    expect(seen).toHaveLength(3);
  });

  it('dead-letters a message that keeps failing, with the reason, and answers INTERNAL', async () => {
    failTimes = 3;
    const reply = await client.request('telegram.bot.remove', { id: 'b2' }, ctx);
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const dead = await getDead();
    expect(
      dead.some((m) => String(m.properties.headers['x-dead-reason']).includes('database unavailable')),
    ).toBe(true);
  });

  it('dead-letters malformed and schema-invalid messages and keeps consuming', async () => {
    const publish = (payload: string) =>
      management(`exchanges/${encodeURIComponent(vhost.name)}/integrations.commands/publish`, {
        method: 'POST',
        body: JSON.stringify({
          properties: {},
          routing_key: 'telegram.bot.get',
          payload,
          payload_encoding: 'string',
        }),
      });
    await publish('{not json');
    await publish(
      JSON.stringify({
        specversion: '1.0',
        id: 'x',
        source: 's',
        type: 'telegram.bot.get',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        userid: 'u',
        data: { id: 42 },
      }),
    );
    const reply = await client.request('telegram.bot.get', { id: 'after' }, ctx);
    expect(reply.ok).toBe(true);
    await until(async () => (await getDead()).length >= 3);
    const reasons = (await getDead()).map((m) => String(m.properties.headers['x-dead-reason']));
    expect(reasons).toEqual(
      expect.arrayContaining([
        'the body is not JSON',
        expect.stringContaining('invalid telegram.bot.get data'),
      ]),
    );
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/queue_tasks_error_total\{queue="mid",service="messaging-test"\} [1-9]/);
  });

  it('delivers events to a durable queue and to every transient one', async () => {
    const durable: Envelope[] = [];
    const transient: Envelope[] = [];
    await server.consumeEvents({
      queue: 'test-audit',
      patterns: ['telegram.#'],
      handler: async (e) => void durable.push(e),
    });
    await client.consumeEvents({
      queue: `test-sse-${process.pid}`,
      patterns: ['#'],
      handler: async (e) => void transient.push(e),
      transient: true,
    });
    await client.publishEvent('telegram.bot.removed', { userId: 'user-1', botId: 'b1' }, ctx);
    await until(() => durable.length === 1 && transient.length === 1);
    expect(durable[0]).toMatchObject({ type: 'telegram.bot.removed', data: { botId: 'b1' } });
  });

  it('reconnects by itself when the broker drops the connection', async () => {
    // The management API lists connections a few seconds after they open.
    let connections: { name: string }[] = [];
    await until(async () => {
      const res = await management(`vhosts/${encodeURIComponent(vhost.name)}/connections`);
      connections = (await res.json()) as { name: string }[];
      return connections.length >= 2;
    });
    for (const c of connections)
      await management(`connections/${encodeURIComponent(c.name)}`, { method: 'DELETE' });
    await until(() => !client.isConnected());
    let reply = await client.request('telegram.bot.get', { id: 'again' }, ctx, { timeoutMs: 1000 });
    while (!reply.ok) {
      await new Promise((r) => setTimeout(r, 100));
      reply = await client.request('telegram.bot.get', { id: 'again' }, ctx, { timeoutMs: 1000 });
    }
    expect(reply).toMatchObject({ ok: true, data: { id: 'again' } });
    expect(client.isConnected() && server.isConnected()).toBe(true);
  });

  it('sends a request in one socket write and answers it in one (the reply and the ack together), after a reconnect too', async () => {
    // Every socket write of this process while the requests run: the client's request, the server's answer.
    const writes = [jest.spyOn(Socket.prototype, '_write'), jest.spyOn(Socket.prototype, '_writev')];
    const written = () => writes.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    const requests = 20;
    try {
      // The reconnect above may still be setting channels up (queues, bindings, consumers: writes of their own):
      // counted from a moment when nothing has been written for a while.
      for (let settled = 0, quiet = 0; quiet < 2 && settled < 50; settled += 1) {
        const before = written();
        await new Promise((resolve) => setTimeout(resolve, 200));
        quiet = written() === before ? quiet + 1 : 0;
      }
      for (const spy of writes) spy.mockClear();
      for (let i = 0; i < requests; i += 1) {
        expect(await client.request('telegram.bot.get', { id: `w${i}` }, ctx)).toMatchObject({ ok: true });
      }
      const count = written();
      // Two a request; a heartbeat frame may fall between them. One a frame, as before, would be 60.
      expect(count).toBeGreaterThanOrEqual(2 * requests);
      expect(count).toBeLessThanOrEqual(2 * requests + 4);
    } finally {
      for (const spy of writes) spy.mockRestore();
    }
  });

  async function getDead(): Promise<{ properties: { headers: Record<string, unknown> } }[]> {
    const res = await management(`queues/${encodeURIComponent(vhost.name)}/test-connector.dead/get`, {
      method: 'POST',
      body: JSON.stringify({ count: 50, ackmode: 'ack_requeue_true', encoding: 'auto' }),
    });
    return (await res.json()) as { properties: { headers: Record<string, unknown> } }[];
  }
});

describe('Messaging with keyed (shard) queues', () => {
  let vhost: TestVhost;
  let router: Messaging;
  let client: Messaging;
  const handled: { shard: number; userId: string; priority: Priority }[] = [];
  const shardOf = (envelope: Envelope) => (envelope.userid === 'user-a' ? 0 : 1);
  const consumer = (shard: number) =>
    router.consumeUntilStopped({
      queue: `sharded.shard.${shard}`,
      deadKey: 'sharded',
      handler: async (envelope, meta) => {
        handled.push({ shard, userId: envelope.userid, priority: meta.priority });
        return {};
      },
    });

  beforeAll(async () => {
    vhost = await createTestVhost('messaging_shards');
    router = await Messaging.connect({ url: vhost.url, service: 'sharded' });
    client = await Messaging.connect({ url: vhost.url, service: 'test-api' });
    await router.declareKeyedQueues('test.shards', ['sharded.shard.0', 'sharded.shard.1'], 'sharded');
    await router.forwardCommands({
      queue: 'sharded',
      bindings: ['telegram.account.#'],
      exchange: 'test.shards',
      route: (envelope) => `sharded.shard.${shardOf(envelope)}`,
    });
  });
  afterAll(async () => {
    await client?.close();
    await router?.close();
    await vhost?.delete();
  });

  it('forwards each command to its shard, answers from there, and keeps commands while a shard has no consumer', async () => {
    const zero = await consumer(0);
    const one = await consumer(1);
    const cancel = (userId: string) =>
      client.request('telegram.account.flow.cancel', { flowId: 'f1' }, { userId }, { timeoutMs: 5000 });
    expect(await cancel('user-a')).toEqual({ ok: true, data: {} });
    expect(await cancel('user-b')).toEqual({ ok: true, data: {} });
    expect(handled).toEqual([
      { shard: 0, userId: 'user-a', priority: 'high' },
      { shard: 1, userId: 'user-b', priority: 'high' },
    ]);

    // Shard 0 changes hands: stopped here, its commands wait in its queue, and the next consumer gets them.
    await zero.stop();
    await client.sendCommand('telegram.account.flow.cancel', { flowId: 'f2' }, { userId: 'user-a' });
    await client.sendCommand('telegram.account.flow.cancel', { flowId: 'f3' }, { userId: 'user-b' });
    await until(() => handled.length === 3);
    expect(handled[2]).toEqual({ shard: 1, userId: 'user-b', priority: 'mid' });
    const next = await consumer(0);
    await until(() => handled.length === 4);
    expect(handled[3]).toEqual({ shard: 0, userId: 'user-a', priority: 'mid' });
    await next.stop();
    await one.stop();
  });
});

describe('Messaging with requests straight to a shard queue', () => {
  let vhost: TestVhost;
  let server: Messaging;
  let client: Messaging;
  const routing = { exchange: 'test.direct-shards', service: 'direct', shards: 2 };
  /** The first user id (`user-<n>`) that `matches`. */
  const userWhere = (matches: (userId: string) => boolean) => {
    for (let n = 0; ; n++) if (matches(`user-${n}`)) return `user-${n}`;
  };

  beforeAll(async () => {
    vhost = await createTestVhost('messaging_direct_shards');
    server = await Messaging.connect({ url: vhost.url, service: 'direct' });
    client = await Messaging.connect({ url: vhost.url, service: 'test-api' });
    await client.declareKeyedExchange(routing.exchange);
    await server.declareKeyedQueues(
      routing.exchange,
      [0, 1].map((n) => shardQueueOf('direct', n)),
      'direct',
    );
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    await vhost?.delete();
  });

  it("answers a request from its user's shard, and a shard moves a command not its own to its owner", async () => {
    const handled: { shard: number; userId: string; priority: Priority }[] = [];
    const consumers = await Promise.all(
      [0, 1].map((shard) =>
        server.consumeUntilStopped({
          queue: shardQueueOf('direct', shard),
          deadKey: 'direct',
          shards: routing,
          handler: async (envelope, meta) => {
            handled.push({ shard, userId: envelope.userid, priority: meta.priority });
            return {};
          },
        }),
      ),
    );
    const cancel = (userId: string, shards: number) =>
      client.request(
        'telegram.account.flow.cancel',
        { flowId: 'f1' },
        { userId },
        { timeoutMs: 5000, shard: { ...routing, shards } },
      );
    // Nothing is bound to the commands exchange here: only the shard queue can answer.
    const onOne = userWhere((id) => shardOf(id, 2) === 1);
    expect(await cancel(onOne, 2)).toEqual({ ok: true, data: {} });
    // A caller counting three shards sends this user to the other existing queue, whose consumer moves it on.
    const moved = userWhere((id) => shardOf(id, 3) < 2 && shardOf(id, 3) !== shardOf(id, 2));
    expect(await cancel(moved, 3)).toEqual({ ok: true, data: {} });
    expect(handled).toEqual([
      { shard: 1, userId: onOne, priority: 'high' },
      { shard: shardOf(moved, 2), userId: moved, priority: 'high' },
    ]);
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  });
});

describe('Messaging losing the broker while a shard consumer is being set up', () => {
  let vhost: TestVhost;
  let proxy: TcpProxy;
  let router: Messaging;
  let client: Messaging;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  const handledBy: string[] = [];
  const consumer = (name: string) =>
    router.consumeUntilStopped({
      queue: 'cut.shard.0',
      deadKey: 'cut',
      handler: async () => {
        handledBy.push(name);
        return {};
      },
    });
  const cancel = (flowId: string) =>
    client.request('telegram.account.flow.cancel', { flowId }, { userId: 'user-a' }, { timeoutMs: 5000 });
  // An AMQP method frame's payload opens with its class and method ids: basic (60) qos (10), consume (20).
  const BASIC_QOS = Buffer.from([0x00, 0x3c, 0x00, 0x0a]);
  const BASIC_CONSUME = Buffer.from([0x00, 0x3c, 0x00, 0x14]);

  beforeAll(async () => {
    process.on('unhandledRejection', record);
    vhost = await createTestVhost('messaging_cut');
    proxy = await startProxyFor(vhost.url, 5672);
    router = await Messaging.connect({ url: proxy.url(vhost.url), service: 'cut' });
    client = await Messaging.connect({ url: vhost.url, service: 'test-api' });
    await router.declareKeyedQueues('test.cut', ['cut.shard.0'], 'cut');
    await router.forwardCommands({
      queue: 'cut',
      bindings: ['telegram.account.#'],
      exchange: 'test.cut',
      route: () => 'cut.shard.0',
    });
  });
  afterAll(async () => {
    process.off('unhandledRejection', record);
    await client?.close();
    await router?.close();
    await proxy?.close();
    await vhost?.delete();
  });

  /** Starts consumer `name` while the connection is cut as the router sends `frame`; what its caller was told. */
  const consumeWhileCut = async (frame: Buffer, name: string) => {
    const dropped = proxy.dropWhenClientSends(frame);
    const taking = consumer(name).then(
      (stoppable) => ({ stoppable }),
      (error: unknown) => ({ error }),
    );
    await dropped;
    const taken = await taking;
    await until(() => router.isConnected());
    return taken;
  };

  it('leaves no promise unhandled when the connection dies as the consumer asks for its prefetch', async () => {
    const taken = await consumeWhileCut(BASIC_QOS, 'first');
    // A rejection nobody handles crashes a service (Node's default); it surfaces a turn or two after the cut.
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
    if ('stoppable' in taken) await taken.stoppable.stop();
  });

  it('leaves no consumer behind when the connection dies as it subscribes: the next one gets every command', async () => {
    const taken = await consumeWhileCut(BASIC_CONSUME, 'lost');
    // Whatever the caller was told, it must hold: a consumer it was not given must not take commands.
    if ('stoppable' in taken) await taken.stoppable.stop();
    const next = await consumer('next');
    handledBy.length = 0;
    for (const flowId of ['f1', 'f2', 'f3', 'f4'])
      expect(await cancel(flowId)).toEqual({ ok: true, data: {} });
    expect(handledBy).toEqual(['next', 'next', 'next', 'next']);
    expect(unhandled).toEqual([]);
    await next.stop();
  });
});
