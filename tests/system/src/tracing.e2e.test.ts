import type { Bot, Envelope } from '@integrations/contracts';
import { Messaging } from '@integrations/messaging';
import { inSpan, startTracing, type Tracing } from '@integrations/observability';
import { waitFor } from '@integrations/testing';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startStack, type Stack } from './stack';

/**
 * One send is one trace, whoever asks: a REST request (the api's HTTP server span → the command → RabbitMQ → the
 * connector → the Telegram call and its HTTP request → the event → audit-log) and an AMQP command of a platform
 * service (its own span → the command → the connector → the Telegram call). Events carry the trace as the
 * CloudEvents `traceparent` extension. The production tracing (startTracing: the SDK, the HTTP instrumentation,
 * the redacting processor) exports to an in-memory exporter what every service in this process recorded.
 */
describe('tracing across the services', () => {
  const exporter = new InMemorySpanExporter();
  let stack: Stack;
  let tracing: Tracing;
  let platform: Messaging;
  let token: string;
  let bot: Bot;
  let groupId: string;
  let botToken: string;
  const sentEvents: Envelope[] = [];

  const finished = () => exporter.getFinishedSpans();
  const byName = (name: string, spans: ReadableSpan[]) => spans.find((s) => s.name === name);
  const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];

  beforeAll(async () => {
    tracing = startTracing({ service: 'system-test', exporter, exportEachSpan: true, env: {} });
    stack = await startStack('trace', {
      accounts: true,
      spans: () => finished().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    });
    token = await stack.token('tracer');
    const created = await stack.control.createBot({ username: 'trace_bot' });
    botToken = created.token;
    const group = await stack.control.createChat({
      type: 'group',
      title: 'Traced',
      members: [{ botId: created.id, role: 'member' }],
    });
    groupId = String(group.id);
    bot = (await stack.rest<Bot>(token, 'POST', '/telegram/bots', { token: created.token })).body;
    // A platform service of its own: it sends commands and listens to events over AMQP only.
    platform = await Messaging.connect({ url: stack.botEnv['AMQP_URL']!, service: 'platform-service' });
    await platform.consumeEvents({
      queue: 'platform-service.events',
      patterns: ['telegram.message.sent'],
      handler: async (envelope) => {
        sentEvents.push(envelope);
      },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await stack?.close();
    await tracing?.shutdown();
  });

  /** Waits for the spans that end a send (the event processed by audit-log) and answers them all. */
  const spansOfSend = async (): Promise<ReadableSpan[]> => {
    const expected = [
      'telegram.bot.send process',
      'telegram.message.sent publish',
      'telegram.message.sent process',
    ];
    let spans: ReadableSpan[] = [];
    await waitFor(`the spans ${expected.join(', ')}`, () => {
      spans = finished();
      return expected.every((name) => byName(name, spans));
    });
    return spans;
  };

  it('links every hop of a REST send into one trace, with no secret in any attribute', async () => {
    exporter.reset();
    sentEvents.length = 0;
    const sent = await stack.rest(token, 'POST', `/telegram/bots/${bot.id}/send`, {
      chatId: groupId,
      text: 'traced hello',
    });
    expect(sent.status).toBe(200);
    const spans = await spansOfSend();

    const request = byName('telegram.bot.send request', spans);
    const server = spans.find((s) => s.spanContext().spanId === request?.parentSpanContext?.spanId);
    const processed = byName('telegram.bot.send process', spans);
    const telegramCall = byName('telegram sendMessage', spans);
    const httpCall = spans.find((s) => s.parentSpanContext?.spanId === telegramCall?.spanContext().spanId);
    const published = byName('telegram.message.sent publish', spans);
    const audited = byName('telegram.message.sent process', spans);
    // The api's HTTP server span is where the trace starts.
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.parentSpanContext).toBeUndefined();
    const traceId = server?.spanContext().traceId;
    for (const span of [request, processed, telegramCall, httpCall, published, audited])
      expect(span?.spanContext().traceId).toBe(traceId);
    expect(processed?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(telegramCall?.parentSpanContext?.spanId).toBe(processed?.spanContext().spanId);
    expect(audited?.parentSpanContext?.spanId).toBe(published?.spanContext().spanId);
    expect(telegramCall?.attributes).toMatchObject({
      'telegram.method': 'sendMessage',
      'integrations.bot_id': bot.id,
    });
    // The HTTP call to the Bot API is traced too (the production instrumentation), without the token.
    expect(String(httpCall?.attributes['url.full'])).toMatch(/\/bot\[REDACTED\]\/sendMessage$/);

    // The event carries the trace as the CloudEvents traceparent extension.
    await waitFor('the telegram.message.sent event', () => sentEvents.length > 0);
    expect(traceIdOf(sentEvents[0]?.traceparent)).toBe(traceId);

    const everything = JSON.stringify(
      finished().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    );
    expect(everything).not.toContain(botToken.split(':')[1]);
    expect(everything).not.toContain('traced hello');
  });

  it('continues the trace of a platform service that sends the command over AMQP', async () => {
    exporter.reset();
    sentEvents.length = 0;
    const reply = await inSpan('platform-service notify', {}, () =>
      platform.request(
        'telegram.bot.send',
        { botId: bot.id, chatId: groupId, text: 'over AMQP' },
        {
          userId: 'tracer',
        },
      ),
    );
    expect(reply).toMatchObject({ ok: true, data: { status: 'sent' } });
    const spans = await spansOfSend();

    const caller = byName('platform-service notify', spans);
    const request = byName('telegram.bot.send request', spans);
    const processed = byName('telegram.bot.send process', spans);
    const telegramCall = byName('telegram sendMessage', spans);
    const traceId = caller?.spanContext().traceId;
    expect(caller?.parentSpanContext).toBeUndefined();
    expect(request?.parentSpanContext?.spanId).toBe(caller?.spanContext().spanId);
    expect(processed?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(telegramCall?.parentSpanContext?.spanId).toBe(processed?.spanContext().spanId);
    for (const span of [request, processed, telegramCall]) expect(span?.spanContext().traceId).toBe(traceId);
    // Its event is processed in the same trace (a late span of the previous test's event may be there too).
    await waitFor('telegram.message.sent processed in this trace', () =>
      finished().some(
        (s) => s.name === 'telegram.message.sent process' && s.spanContext().traceId === traceId,
      ),
    );
    await waitFor('the telegram.message.sent event', () => sentEvents.length > 0);
    expect(traceIdOf(sentEvents[0]?.traceparent)).toBe(traceId);
  });

  it('traces an account send down to the MTProto calls, by method, with no phone, code or session', async () => {
    const phone = '+15557200001';
    await stack.control.createUser({ phone, username: 'traced_account', firstName: 'Traced' });
    await stack.control.createUser({ phone: '+15557200002', username: 'traced_peer', firstName: 'Peer' });
    const started = await stack.rest<{ flowId: string }>(token, 'POST', '/telegram/connect', {
      method: 'code',
      phone,
    });
    const code = (await stack.control.loginCode(phone))!;
    const done = await stack.rest<{ accountId: string }>(
      token,
      'POST',
      `/telegram/connect/${started.body.flowId}/code`,
      {
        code,
      },
    );
    exporter.reset();
    const sent = await stack.rest(token, 'POST', `/telegram/accounts/${done.body.accountId}/send`, {
      to: '@traced_peer',
      text: 'traced over MTProto',
    });
    expect(sent.status).toBe(200);
    let spans: ReadableSpan[] = [];
    await waitFor('the account send spans', () => {
      spans = finished();
      return byName('telegram.account.send process', spans) !== undefined;
    });
    const processed = byName('telegram.account.send process', spans);
    const mtproto = spans.filter(
      (s) =>
        s.attributes['telegram.api'] === 'mtproto' &&
        s.spanContext().traceId === processed?.spanContext().traceId,
    );
    expect(mtproto.length).toBeGreaterThan(0);
    for (const span of mtproto) expect(span.kind).toBe(SpanKind.CLIENT);
    const exported = JSON.stringify(
      finished().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    );
    expect(exported).not.toContain('15557200001');
    expect(exported).not.toContain(`"${code}"`);
    expect(exported).not.toContain('traced over MTProto');
  });
});
