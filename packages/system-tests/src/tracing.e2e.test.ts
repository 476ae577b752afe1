import type { Bot } from '@integrations/contracts';
import { startTracing, type Tracing } from '@integrations/observability';
import { waitFor } from '@integrations/testing';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startStack, type Stack } from './stack';

/**
 * One REST send is one trace: api request → RabbitMQ → connector → the Telegram call → the event → audit-log.
 * The production tracing (startTracing: the SDK, the HTTP instrumentation, the redacting processor) exports to an
 * in-memory exporter what every service in this process recorded.
 */
describe('tracing across the services', () => {
  const exporter = new InMemorySpanExporter();
  let stack: Stack;
  let tracing: Tracing;

  beforeAll(async () => {
    tracing = startTracing({ service: 'system-test', exporter, exportEachSpan: true, env: {} });
    stack = await startStack('trace', {
      spans: () =>
        exporter
          .getFinishedSpans()
          .map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    });
  });
  afterAll(async () => {
    await stack?.close();
    await tracing?.shutdown();
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
    await waitFor(`the spans ${expected.join(', ')}`, () => {
      spans = exporter.getFinishedSpans();
      return expected.every((name) => byName(name, spans));
    });
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
    // The HTTP call to the Bot API is traced too (the production instrumentation), below the Telegram call.
    const httpCall = spans.find((s) => s.parentSpanContext?.spanId === telegramCall?.spanContext().spanId);
    expect(String(httpCall?.attributes['url.full'])).toMatch(/\/bot\[REDACTED\]\/sendMessage$/);

    const everything = JSON.stringify(
      exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    );
    expect(everything).not.toContain(created.token.split(':')[1]);
    expect(everything).not.toContain('traced hello');
  });
});
