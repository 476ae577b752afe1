import { DomainError, type Envelope, type Message } from '@integrations/contracts';
import { Messaging, type Priority } from '@integrations/messaging';
import { createTestVhost, startProxyFor, until, type TcpProxy, type TestVhost } from '@integrations/testing';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { IntegrationError, connect, type IntegrationsClient } from './index';

const USER = 'platform-user-1';
const sentEvent = (messageId: string) => ({
  userId: USER,
  messageId,
  via: { type: 'bot' as const, id: 'b-1' },
  chatId: '42',
  telegramMessageId: '55',
  sentAt: '2026-12-01T10:00:00.000Z',
});

/** Waits for the nth event a handler collected (Jest's timeout is the deadline). */
const nth = (list: unknown[], n: number) => until(() => list.length >= n);

describe('@integrations/client against RabbitMQ', () => {
  let vhost: TestVhost;
  /** A stand-in connector: answers bot commands and publishes events, as the services do. */
  let connector: Messaging;
  let client: IntegrationsClient;
  const received: { envelope: Envelope; priority: Priority }[] = [];
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    vhost = await createTestVhost('client');
    connector = await Messaging.connect({ url: vhost.url, service: 'test-connector' });
    await connector.consumeCommands({
      queue: 'test-connector',
      bindings: ['telegram.bot.*'],
      handler: async (envelope, meta) => {
        received.push({ envelope, priority: meta.priority });
        const data = envelope.data as { chatId?: string; messageId?: string };
        if (data.chatId === '-1')
          throw new DomainError('TELEGRAM_FLOOD_WAIT', 'Telegram asks to wait.', { retryAfter: 7 });
        const message: Message = {
          id: data.messageId ?? 'm-1',
          status: 'sent',
          chatId: data.chatId ?? '42',
          telegramMessageId: '55',
        };
        return message;
      },
    });
    client = await connect(vhost.url, { service: 'billing' });
  });

  afterAll(async () => {
    await client.close();
    await connector.close();
    await vhost.delete();
  });

  it('sends a command and resolves with its typed reply, in the lane asked for', async () => {
    const message = await client.request(
      'telegram.bot.send',
      { botId: 'b-1', chatId: '42', text: 'hello', messageId: 'm-42' },
      { userId: USER, idempotencyKey: 'order-7', requestId: 'req-1' },
    );
    expect(message).toEqual({ id: 'm-42', status: 'sent', chatId: '42', telegramMessageId: '55' });
    const last = received.at(-1)!;
    expect(last.priority).toBe('high');
    expect(last.envelope).toMatchObject({
      specversion: '1.0',
      source: 'billing',
      type: 'telegram.bot.send',
      userid: USER,
      idempotencykey: 'order-7',
      requestid: 'req-1',
    });
    await client.request(
      'telegram.bot.send',
      { botId: 'b-1', chatId: '42', text: 'later' },
      { userId: USER, lane: 'low' },
    );
    expect(received.at(-1)!.priority).toBe('low');
  });

  it('throws a typed error with the problem code when the command failed', async () => {
    const failure = client.request(
      'telegram.bot.send',
      { botId: 'b-1', chatId: '-1', text: 'hi' },
      { userId: USER },
    );
    await expect(failure).rejects.toBeInstanceOf(IntegrationError);
    await expect(failure).rejects.toMatchObject({
      code: 'TELEGRAM_FLOOD_WAIT',
      status: 429,
      retryAfter: 7,
      command: 'telegram.bot.send',
    });
  });

  it('refuses data against the schema before anything is published', async () => {
    const before = received.length;
    const bad = client.request(
      'telegram.bot.send',
      // A caller without TypeScript: the schema still holds.
      { botId: 'b-1', chatId: '42' } as unknown as { botId: string; chatId: string; text: string },
      { userId: USER },
    );
    await expect(bad).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 422,
      fieldErrors: [{ path: '/text', message: expect.any(String) }],
    });
    // A command that does validate goes through afterwards; the invalid one never reached the connector.
    await client.request(
      'telegram.bot.send',
      { botId: 'b-1', chatId: '42', text: 'valid' },
      { userId: USER },
    );
    expect(received.slice(before).map((r) => (r.envelope.data as { text: string }).text)).toEqual(['valid']);
  });

  it('answers UPSTREAM_TIMEOUT when no service takes the command in time', async () => {
    // Nothing consumes account commands on this vhost.
    await expect(
      client.request('telegram.account.get', { id: 'a-1' }, { userId: USER, timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', status: 504 });
  });

  it('sends a command without waiting (lane mid, broker-confirmed)', async () => {
    const { id } = await client.send(
      'telegram.bot.send',
      { botId: 'b-1', chatId: '42', text: 'bulk' },
      { userId: USER },
    );
    await until(() => received.some((r) => r.envelope.id === id));
    expect(received.find((r) => r.envelope.id === id)!.priority).toBe('mid');
  });

  it('propagates the caller’s trace context (W3C traceparent) into the command', async () => {
    const tracer = trace.getTracer('billing');
    const traceId = await tracer.startActiveSpan('checkout', async (span) => {
      await client.request(
        'telegram.bot.send',
        { botId: 'b-1', chatId: '42', text: 'traced' },
        { userId: USER },
      );
      span.end();
      return span.spanContext().traceId;
    });
    expect(received.at(-1)!.envelope.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('delivers typed events from a durable queue of its own, also those published while it was away', async () => {
    const seen: string[] = [];
    const types = new Set<string>();
    await client.on('telegram.message.sent', (data, event) => {
      types.add(event.type);
      seen.push(data.messageId);
    });
    await connector.publishEvent('telegram.message.sent', sentEvent('m-1'), { userId: USER });
    await nth(seen, 1);

    // A second instance of the service, started after the event was published, finds it in the queue.
    const other = await connect(vhost.url, { service: 'reports' });
    await other.on('telegram.message.sent', () => undefined);
    await other.close();
    await connector.publishEvent('telegram.message.sent', sentEvent('m-2'), { userId: USER });
    const later: string[] = [];
    const back = await connect(vhost.url, { service: 'reports' });
    await back.on('telegram.message.sent', (data) => void later.push(data.messageId));
    await nth(later, 1);
    expect(later).toEqual(['m-2']);
    await back.close();
    await nth(seen, 2);
    expect(seen).toEqual(['m-1', 'm-2']);
    expect([...types]).toEqual(['telegram.message.sent']);
  });

  describe('through a broker connection that drops', () => {
    let proxy: TcpProxy;
    let flaky: IntegrationsClient;

    beforeAll(async () => {
      proxy = await startProxyFor(vhost.url, 5672);
      flaky = await connect(proxy.url(vhost.url), { service: 'flaky' });
    });
    afterAll(async () => {
      await flaky.close();
      await proxy.close();
    });

    it('fails fast while down, then reconnects: requests and event consumers work again', async () => {
      const seen: string[] = [];
      await flaky.on('telegram.message.sent', (data) => void seen.push(data.messageId));
      const accepted = proxy.accepted;
      await proxy.cut();
      await until(() => !flaky.isConnected());
      await expect(
        flaky.request('telegram.bot.send', { botId: 'b-1', chatId: '42', text: 'down' }, { userId: USER }),
      ).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
      await expect(
        flaky.send('telegram.bot.send', { botId: 'b-1', chatId: '42', text: 'down' }, { userId: USER }),
      ).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
      // Published while the client is away: its durable queue keeps it.
      await connector.publishEvent('telegram.message.sent', sentEvent('m-away'), { userId: USER });

      await proxy.restore();
      await until(() => flaky.isConnected());
      expect(proxy.accepted).toBeGreaterThan(accepted);
      await nth(seen, 1);
      const reply = await flaky.request(
        'telegram.bot.send',
        { botId: 'b-1', chatId: '42', text: 'back' },
        { userId: USER },
      );
      expect(reply.status).toBe('sent');
      await connector.publishEvent('telegram.message.sent', sentEvent('m-back'), { userId: USER });
      await nth(seen, 2);
      expect(seen).toEqual(['m-away', 'm-back']);
    });
  });
});
