import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { waitFor } from '@integrations/testing';
import {
  apiMetrics,
  createLogger,
  createMetricsRegistry,
  currentTraceparent,
  inSpan,
  maskPhone,
  queueMetrics,
  REDACTED,
  redact,
  redactSpan,
  startOpsServer,
  telegramMetrics,
  withRemoteContext,
} from './index';

// Shaped like a bot token (digits, colon, 35 characters) and built here, so no token-like literal is committed.
const BOT_TOKEN = `123456789:${'fake_test_token_'.repeat(3).slice(0, 35)}`;
const SESSION = '1' + 'BAAB'.repeat(80) + 'xyz=';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { stream, lines };
}

describe('redaction', () => {
  it('masks phone numbers', () => {
    expect(maskPhone('+79991234567')).toBe('+7999***4567');
    expect(maskPhone('12')).toBe('***');
  });

  it('removes secrets by key and by shape, deeply, without touching the input', () => {
    const input = {
      token: 'abc',
      nested: { password: 'hunter2', list: [{ code: '12345' }], note: `token is ${BOT_TOKEN}` },
      headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig' },
      phone: '+79991234567',
      text: `session ${SESSION} and +4915112345678`,
      count: 3,
    };
    const out = redact(input);
    expect(JSON.stringify(out)).not.toMatch(
      /abc|hunter2|12345"|fake_test_token|eyJhbGci|BAABBAAB|1234567|5112345/,
    );
    expect(out.nested.list[0]?.code).toBe('[REDACTED]');
    expect(out.phone).toBe('+7999***4567');
    expect(out.count).toBe(3);
    expect(input.token).toBe('abc');
  });

  it('matches secret key names by pattern and secret values by shape', () => {
    const shortToken = `123:${'x'.repeat(24)}`;
    const out = redact({
      webhookSecret: 'a',
      apiToken: 'b',
      newPassword: 'c',
      botTokenEnc: 'd',
      session_enc: 'e',
      tokenType: 'Bearer',
      session_key_version: 2,
      url: `https://api.telegram.org/botANY-shape-here/sendMessage`,
      note: `token ${shortToken}, signing whsec_${'q'.repeat(20)}, secret_token=opensesame1 end`,
    });
    expect(out).toMatchObject({
      webhookSecret: REDACTED,
      apiToken: REDACTED,
      newPassword: REDACTED,
      botTokenEnc: REDACTED,
      session_enc: REDACTED,
      tokenType: 'Bearer',
      session_key_version: 2,
      url: `https://api.telegram.org/bot${REDACTED}/sendMessage`,
    });
    expect(out.note).not.toMatch(/xxxxxxxx|qqqqqqqq|opensesame1/);
  });

  it('redacts every exported span: name, attributes, events and status', () => {
    const span = {
      name: `GET /bot${BOT_TOKEN}/getMe`,
      attributes: { 'url.full': `http://t/bot${BOT_TOKEN}/getMe`, 'http.request.header.authorization': 'x' },
      events: [{ name: 'exception', time: [0, 0], attributes: { 'exception.message': `bad ${SESSION}` } }],
      status: { code: 2, message: `failed with ${BOT_TOKEN}` },
      links: [],
      spanContext: () => ({ traceId: 't', spanId: 's', traceFlags: 1 }),
    } as unknown as ReadableSpan;
    const exported = redactSpan(span);
    const text = JSON.stringify({
      name: exported.name,
      attributes: exported.attributes,
      events: exported.events,
      status: exported.status,
    });
    expect(text).not.toContain(BOT_TOKEN.split(':')[1]);
    expect(text).not.toContain('BAABBAAB');
    expect(exported.attributes['http.request.header.authorization']).toBe(REDACTED);
    expect(exported.spanContext().spanId).toBe('s');
  });

  it('survives cycles and errors', () => {
    const loop: Record<string, unknown> = { name: 'x' };
    loop['self'] = loop;
    expect(redact(loop)).toEqual({ name: 'x', self: '[Circular]' });
    const error = Object.assign(new Error(`bad token ${BOT_TOKEN}`), { code: 'E1' });
    expect(JSON.stringify(redact(error))).not.toContain(BOT_TOKEN.split(':')[1]);
  });
});

describe('logger', () => {
  it('writes one ECS JSON line per entry, redacted', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'test-svc', stream, elasticsearchUrl: '' });
    logger.info(`connected bot ${BOT_TOKEN}`, { botId: 'b1', password: 'pw', phone: '+79991234567' });
    logger.error('send failed', { error: new Error('boom') });
    expect(lines[0]).toMatchObject({
      'log.level': 'info',
      'service.name': 'test-svc',
      'ecs.version': expect.any(String),
      botId: 'b1',
      password: '[REDACTED]',
      phone: '+7999***4567',
    });
    expect(String(lines[0]?.['message'])).toBe('connected bot [REDACTED]');
    expect(Date.parse(String(lines[0]?.['@timestamp']))).not.toBeNaN();
    expect(lines[1]).toMatchObject({ 'log.level': 'error', 'error.type': 'Error', 'error.message': 'boom' });
  });

  it('does no work for a level that is off, logs it once the level is raised, and children keep their meta', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'test-svc', stream, level: 'info', elasticsearchUrl: '' });
    let reads = 0;
    const meta = {
      get detail() {
        reads += 1;
        return 'hot';
      },
    };
    logger.debug('on the hot path', meta);
    expect(reads).toBe(0);
    expect(lines).toHaveLength(0);
    logger.level = 'debug';
    logger.debug('on the hot path', meta);
    expect(reads).toBeGreaterThan(0);
    logger.child({ requestId: 'r1' }).info('from a child');
    expect(lines).toMatchObject([
      { 'log.level': 'debug', detail: 'hot' },
      { 'log.level': 'info', requestId: 'r1', message: 'from a child' },
    ]);
  });

  it('ships entries to Elasticsearch when ELASTICSEARCH_URL is set', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url?.includes('_bulk')) bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        res.end(
          req.url?.includes('_bulk')
            ? '{"took":1,"errors":false,"items":[]}'
            : '{"version":{"number":"8.15.0"}}',
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { stream } = capture();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const logger = createLogger({ service: 'es-svc', stream, elasticsearchUrl: url });
    logger.info('to elastic', { password: 'secret-pw' });
    await waitFor('a bulk request to Elasticsearch', () => bodies.length > 0);
    logger.close();
    await new Promise<void>((r) => server.close(() => r()));
    expect(bodies.join('')).toContain('to elastic');
    expect(bodies.join('')).toContain('logs-integrations');
    expect(bodies.join('')).not.toContain('secret-pw');
  });
});

describe('metrics', () => {
  it('registers the names the spec, dashboards and alerts use, once per registry', async () => {
    const registry = createMetricsRegistry({ service: 'm', defaultMetrics: true });
    expect(apiMetrics(registry)).toBe(apiMetrics(registry));
    telegramMetrics(registry).messagesSent.inc({ type: 'bot' });
    queueMetrics(registry).tasksTotal.inc({ queue: 'high' });
    apiMetrics(registry).requestTotal.inc({
      endpoint: '/api/integrations/telegram/bots/:id',
      method: 'GET',
      status: '200',
    });
    const text = await registry.metrics();
    for (const name of [
      'api_request_duration_seconds',
      'api_request_total',
      'api_request_error_total',
      'telegram_sessions_total',
      'telegram_sessions_active',
      'telegram_sessions_error',
      'telegram_messages_sent_total{type="bot",service="m"} 1',
      'telegram_messages_error_total',
      'queue_tasks_total{queue="high",service="m"} 1',
      'queue_tasks_error_total',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(name);
    }
  });
});

describe('trace context', () => {
  const exporter = new InMemorySpanExporter();
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('carries a trace through a traceparent: the remote side continues the same trace as a child', async () => {
    let header: string | undefined;
    await inSpan('publish', { 'messaging.destination': 'integrations.commands' }, async () => {
      header = currentTraceparent();
    });
    expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await withRemoteContext(header, () =>
      inSpan('consume', { 'messaging.operation': 'process' }, async () => undefined),
    );
    const [publish, consume] = exporter.getFinishedSpans();
    expect(consume?.spanContext().traceId).toBe(publish?.spanContext().traceId);
    expect(consume?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
  });

  it('has no traceparent outside a span and starts a new trace without one', async () => {
    expect(currentTraceparent()).toBeUndefined();
    exporter.reset();
    await withRemoteContext(undefined, () => inSpan('orphan', {}, async () => undefined));
    expect(exporter.getFinishedSpans()[0]?.parentSpanContext).toBeUndefined();
  });
});

describe('ops server', () => {
  it('serves liveness, readiness naming the failing dependency, and metrics', async () => {
    const registry = createMetricsRegistry({ service: 'ops', defaultMetrics: false });
    queueMetrics(registry).tasksTotal.inc({ queue: 'low' });
    let redisUp = true;
    const server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      checks: { rabbitmq: () => true, redis: () => redisUp },
    });
    try {
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
      redisUp = false;
      const down = await fetch(`${server.url}/health/ready`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({
        failing: ['redis'],
        checks: { rabbitmq: 'up', redis: 'down' },
      });
      expect(await (await fetch(`${server.url}/metrics`)).text()).toContain(
        'queue_tasks_total{queue="low",service="ops"} 1',
      );
    } finally {
      await server.close();
    }
  });
});
