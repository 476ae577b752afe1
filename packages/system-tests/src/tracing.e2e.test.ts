import type { Bot } from '@integrations/contracts';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { startStack, type Stack } from './stack';

/**
 * One REST send is one trace: api request → RabbitMQ → connector → the Telegram call → the event → audit-log.
 * The SDK's in-memory exporter collects what every service in this process recorded.
 */
describe('tracing across the services', () => {
  const exporter = new InMemorySpanExporter();
  let stack: Stack;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    stack = await startStack('trace');
  });
  afterAll(async () => {
    await stack?.close();
    trace.disable();
    context.disable();
  });

  it('links every hop of a send into one trace, with no secret in any attribute', async () => {
    const token = await stack.token('tracer');
    const created = await stack.control.createBot({ username: 'trace_bot' });
    const group = await stack.control.createChat({
      type: 'group',
      title: 'Traced',
      members: [{ botId: created.id, role: 'member' }],
    });
    const call = (path: string, body: unknown) =>
      fetch(`${stack.apiUrl}/api/integrations${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bot = (await (await call('/telegram/bots', { token: created.token })).json()) as Bot;
    exporter.reset();
    expect(
      (await call(`/telegram/bots/${bot.id}/send`, { chatId: group.id, text: 'traced hello' })).status,
    ).toBe(200);

    const byName = (name: string, spans: ReadableSpan[]) => spans.find((s) => s.name === name);
    let spans: ReadableSpan[] = [];
    const expected = [
      'telegram.bot.send process',
      'telegram.message.sent publish',
      'telegram.message.sent process',
    ];
    while (!expected.every((name) => byName(name, spans))) {
      await new Promise((r) => setTimeout(r, 50));
      spans = exporter.getFinishedSpans();
    }
    const request = byName('telegram.bot.send request', spans);
    const processed = byName('telegram.bot.send process', spans);
    const telegramCall = byName('telegram sendMessage', spans);
    const published = byName('telegram.message.sent publish', spans);
    const audited = byName('telegram.message.sent process', spans);
    const traceId = request?.spanContext().traceId;
    for (const span of [processed, telegramCall, published, audited])
      expect(span?.spanContext().traceId).toBe(traceId);
    expect(processed?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(telegramCall?.parentSpanContext?.spanId).toBe(processed?.spanContext().spanId);
    expect(audited?.parentSpanContext?.spanId).toBe(published?.spanContext().spanId);
    expect(telegramCall?.attributes).toMatchObject({
      'telegram.method': 'sendMessage',
      'integrations.bot_id': bot.id,
    });

    const everything = JSON.stringify(
      exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    );
    expect(everything).not.toContain(created.token.split(':')[1]);
    expect(everything).not.toContain('traced hello');
  });
});
