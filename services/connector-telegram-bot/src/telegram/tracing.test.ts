import { inSpan, startTracing, type Tracing } from '@integrations/observability';
import { EmulatorClient, startEmulator, type Emulator } from '@integrations/telegram-emulator';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Api } from 'grammy';
import { tracingTransformer } from './tracing-transformer';

/**
 * The production tracing (startTracing: the SDK with the HTTP instrumentation and the redacting processor) with a
 * real grammY call to the emulator: the call is a client span under the command's span, with its HTTP span below
 * it, and no exported name, attribute or event holds the token.
 */
describe('Bot API calls in traces', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let emulator: Emulator;

  beforeAll(async () => {
    tracing = startTracing({ service: 'bot-tracing-test', exporter, exportEachSpan: true, env: {} });
    emulator = await startEmulator({ mtprotoPort: false, limits: { enabled: false } });
  });
  afterAll(async () => {
    await emulator?.stop();
    await tracing?.shutdown();
  });

  it('traces every Bot API call as a client span, and never exports the token', async () => {
    const created = await new EmulatorClient(emulator.url).createBot({ username: 'traced_bot' });
    const api = new Api(created.token, { apiRoot: emulator.url });
    api.config.use(tracingTransformer('bot-1'));

    await inSpan('telegram.bot.connect process', {}, () => api.getMe());

    const spans = exporter.getFinishedSpans();
    const byName = (name: string): ReadableSpan | undefined => spans.find((s) => s.name === name);
    const command = byName('telegram.bot.connect process');
    const call = byName('telegram getMe');
    const http = spans.find((s) => s.parentSpanContext?.spanId === call?.spanContext().spanId);
    expect(call?.parentSpanContext?.spanId).toBe(command?.spanContext().spanId);
    expect(call?.attributes).toMatchObject({ 'telegram.method': 'getMe', 'integrations.bot_id': 'bot-1' });
    expect(http?.attributes['url.full']).toMatch(/\/bot\[REDACTED\]\/getMe$/);

    const exported = JSON.stringify(
      spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
    );
    const [id, secret] = created.token.split(':');
    expect(secret).toBeTruthy();
    expect(exported).not.toContain(secret);
    expect(exported).not.toContain(`${id}:`);
  });
});
