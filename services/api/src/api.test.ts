import { DomainError, type Envelope } from '@integrations/contracts';
import { SignJWT } from 'jose';
import { loadConfig } from './config';
import { bot, SECRET, startHarness, type Harness } from '../test/harness';

/** What the fake connector serves: the harness's defaults and account requests (their shard queues). */
const SERVED = [
  'telegram.bot.#',
  'telegram.channel.#',
  'telegram.account.#',
  'audit.logs.query',
  'audit.stats.query',
];

describe('api', () => {
  let h: Harness;
  let alice: string;
  const call = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${h.api.url}${path}`, {
      ...init,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string>),
      },
    });

  beforeAll(async () => {
    h = await startHarness(async (envelope: Envelope) => {
      const data = envelope.data as Record<string, unknown>;
      switch (envelope.type) {
        case 'telegram.bot.connect':
          if (data['token'] === 'bad')
            throw new DomainError('TELEGRAM_TOKEN_INVALID', 'Telegram does not know this token.');
          await h.responder.publishEvent(
            'telegram.bot.connected',
            { userId: envelope.userid, botId: 'b-1', telegramBotId: '777', username: 'demo_bot' },
            { userId: envelope.userid },
          );
          return bot('b-1');
        case 'telegram.bot.get':
          if (data['id'] !== 'b-1') throw new DomainError('NOT_FOUND', 'No such bot.');
          return bot('b-1');
        case 'telegram.bot.list':
          return { items: [bot('b-1')], nextCursor: null };
        case 'telegram.bot.send':
          if (data['chatId'] === '-1')
            throw new DomainError('TELEGRAM_FLOOD_WAIT', 'Telegram asks to wait.', { retryAfter: 7 });
          return data['async']
            ? { id: data['messageId'], status: 'queued', chatId: data['chatId'] }
            : {
                id: data['messageId'],
                status: 'sent',
                chatId: data['chatId'],
                telegramMessageId: '55',
                sentAt: '2026-11-24T10:00:01.000Z',
              };
        case 'telegram.bot.message.get':
          return { id: data['id'], status: 'sent', chatId: '42', telegramMessageId: '55' };
        case 'telegram.account.send':
          return { id: data['messageId'], status: 'sent', chatId: '@someone', telegramMessageId: '56' };
        case 'telegram.account.message.get':
          return { id: data['id'], status: 'sent', chatId: '@someone', telegramMessageId: '56' };
        case 'audit.logs.query':
          return { items: [], nextCursor: null };
        case 'audit.stats.query':
          // Echoes the asked days in a count so that the test sees what reached the audit-log.
          return {
            from: '2026-11-11',
            to: '2026-11-24',
            days: [{ date: '2026-11-24', type: 'telegram_bot', sent: data['days'], failed: 0, received: 0 }],
          };
        default:
          throw new DomainError('NOT_FOUND', 'unknown');
      }
    }, SERVED);
    alice = await h.token('alice');
  });
  afterAll(() => h?.close());
  beforeEach(() => {
    h.received.length = 0;
  });

  const expectProblem = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status,
      code,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    return body;
  };

  describe('authentication', () => {
    it('refuses a missing token', async () => {
      await expectProblem(await call('/api/integrations/telegram/bots'), 401, 'UNAUTHORIZED');
    });

    it('refuses an expired token, a wrongly signed one and alg none', async () => {
      await expectProblem(
        await call('/api/integrations/telegram/bots', { token: await h.token('alice', undefined, -60) }),
        401,
        'UNAUTHORIZED',
      );
      const forged = await new SignJWT({ scope: 'integrations:read' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret-another-secret-another'));
      await expectProblem(
        await call('/api/integrations/telegram/bots', { token: forged }),
        401,
        'UNAUTHORIZED',
      );
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'alice', scope: 'integrations:admin', exp: 9999999999 })).toString('base64url')}.`;
      await expectProblem(
        await call('/api/integrations/telegram/bots', { token: none }),
        401,
        'UNAUTHORIZED',
      );
      expect(h.received).toHaveLength(0);
      const metrics = await (await call('/metrics')).text();
      expect(metrics).toMatch(/api_auth_failures_total\{reason="expired",service="api"\} 1/);
    });

    it('needs the write scope to change anything', async () => {
      const reader = await h.token('alice', 'integrations:read');
      await expectProblem(
        await call('/api/integrations/telegram/bots', {
          method: 'POST',
          token: reader,
          body: JSON.stringify({ token: 'x' }),
        }),
        403,
        'FORBIDDEN',
      );
      expect((await call('/api/integrations/telegram/bots', { token: reader })).status).toBe(200);
      expect(h.received.map((e) => e.type)).toEqual(['telegram.bot.list']);
    });
  });

  describe('bad input changes nothing', () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      call('/api/integrations/telegram/bots', { method: 'POST', token: alice, body, headers });

    it('refuses malformed JSON, wrong types and unknown fields with the failing fields', async () => {
      await expectProblem(await post('{"token":'), 422, 'VALIDATION_FAILED');
      const wrongType = await expectProblem(
        await post(JSON.stringify({ token: 42 })),
        422,
        'VALIDATION_FAILED',
      );
      expect(wrongType['errors']).toEqual([{ path: '/token', message: 'must be string' }]);
      const unknown = await expectProblem(
        await post(JSON.stringify({ token: 'x', admin: true })),
        422,
        'VALIDATION_FAILED',
      );
      expect(unknown['errors']).toEqual([{ path: '/admin', message: 'is not allowed' }]);
      expect(h.received).toHaveLength(0);
    });

    it('refuses bodies over 64 KiB', async () => {
      await expectProblem(
        await post(JSON.stringify({ token: 'x'.repeat(70 * 1024) })),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expect(h.received).toHaveLength(0);
    });

    it('answers 404 problem+json for unknown routes and impossible ids', async () => {
      await expectProblem(await call('/api/integrations/nothing', { token: alice }), 404, 'NOT_FOUND');
      await expectProblem(
        await call('/api/integrations/telegram/bots/..%2f..', { token: alice }),
        404,
        'NOT_FOUND',
      );
    });
  });

  it('echoes a sane X-Request-Id, generates one otherwise, and passes it to the connector', async () => {
    const echoed = await call('/api/integrations/telegram/bots/b-1', {
      token: alice,
      headers: { 'x-request-id': 'req-abc-1' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('req-abc-1');
    expect(h.received[0]?.requestid).toBe('req-abc-1');
    const generated = await call('/api/integrations/telegram/bots/b-1', {
      token: alice,
      headers: { 'x-request-id': 'bad id\n' },
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('maps connector errors to their problem, with Retry-After when Telegram asks to wait', async () => {
    await expectProblem(
      await call('/api/integrations/telegram/bots', {
        method: 'POST',
        token: alice,
        body: JSON.stringify({ token: 'bad' }),
      }),
      422,
      'TELEGRAM_TOKEN_INVALID',
    );
    const flood = await call('/api/integrations/telegram/bots/b-1/send', {
      method: 'POST',
      token: alice,
      body: JSON.stringify({ chatId: '-1', text: 'hi' }),
    });
    const body = await expectProblem(flood, 429, 'TELEGRAM_FLOOD_WAIT');
    expect(body['retryAfter']).toBe(7);
    expect(flood.headers.get('retry-after')).toBe('7');
  });

  it('answers 504 UPSTREAM_TIMEOUT when no connector answers', async () => {
    await expectProblem(
      await call('/api/integrations/whatsapp/numbers', { token: alice }),
      504,
      'UPSTREAM_TIMEOUT',
    );
  });

  it('replays an Idempotency-Key with the same body and refuses it with another', async () => {
    const headers = { 'idempotency-key': 'connect-1' };
    const first = await call('/api/integrations/telegram/bots', {
      method: 'POST',
      token: alice,
      body: JSON.stringify({ token: 'good' }),
      headers,
    });
    const second = await call('/api/integrations/telegram/bots', {
      method: 'POST',
      token: alice,
      body: JSON.stringify({ token: 'good' }),
      headers,
    });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(await second.json()).toEqual(await first.json());
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(h.received.filter((e) => e.type === 'telegram.bot.connect')).toHaveLength(1);
    await expectProblem(
      await call('/api/integrations/telegram/bots', {
        method: 'POST',
        token: alice,
        body: JSON.stringify({ token: 'other' }),
        headers,
      }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    // Another user's identical key is their own.
    const bob = await h.token('bob');
    expect(
      (
        await call('/api/integrations/telegram/bots', {
          method: 'POST',
          token: bob,
          body: JSON.stringify({ token: 'good' }),
          headers,
        })
      ).status,
    ).toBe(201);
  });

  it('sends synchronously by default and answers 202 with Location for Prefer: respond-async', async () => {
    const sync = await call('/api/integrations/telegram/bots/b-1/send', {
      method: 'POST',
      token: alice,
      body: JSON.stringify({ chatId: '42', text: 'hello' }),
    });
    expect(sync.status).toBe(200);
    expect(await sync.json()).toMatchObject({ status: 'sent', telegramMessageId: '55' });
    const queued = await call('/api/integrations/telegram/bots/b-1/send', {
      method: 'POST',
      token: alice,
      body: JSON.stringify({ chatId: '42', text: 'later' }),
      headers: { prefer: 'respond-async' },
    });
    expect(queued.status).toBe(202);
    const message = (await queued.json()) as { id: string; status: string };
    expect(message.status).toBe('queued');
    expect(queued.headers.get('location')).toBe(`/api/integrations/messages/${message.id}`);
    const status = await call(`/api/integrations/messages/${message.id}`, { token: alice });
    expect(await status.json()).toMatchObject({ id: message.id, status: 'sent' });
    const send = h.received.find(
      (e) => e.type === 'telegram.bot.send' && (e.data as { async?: boolean }).async,
    );
    expect(send?.idempotencykey).toBe(message.id);
  });

  it("records a send's owner before answering when its count took no trip (a block held by the replica)", async () => {
    const sender = await h.token('steady-sender');
    const send = async () => {
      const res = await call('/api/integrations/telegram/accounts/acc-1/send', {
        method: 'POST',
        token: sender,
        body: JSON.stringify({ to: '@someone', text: 'hi' }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { id: string }).id;
    };
    // The first send takes a block of the default send limit; the second is admitted from it, without Redis.
    await send();
    const id = await send();
    const status = await call(`/api/integrations/messages/${id}`, { token: sender });
    expect(status.status).toBe(200);
    // Without the record the bot connector, first in the registry, would be asked (and, here, would answer).
    const asked = h.received.filter((e) => (e.data as { id?: string }).id === id).map((e) => e.type);
    expect(asked).toEqual(['telegram.account.message.get']);
  });

  it('asks the audit-log for message statistics over a bounded number of days', async () => {
    const res = await call('/api/integrations/stats/messages?days=7', { token: alice });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ days: [{ sent: 7 }] });
    const defaulted = await call('/api/integrations/stats/messages', { token: alice });
    expect(await defaulted.json()).toMatchObject({ days: [{ sent: 14 }] });
    await expectProblem(
      await call('/api/integrations/stats/messages?days=91', { token: alice }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('labels metrics by route template, never by raw path', async () => {
    await call('/api/integrations/telegram/bots/b-1', { token: alice });
    const metrics = await (await call('/metrics')).text();
    expect(metrics).toContain(
      'api_request_total{endpoint="/api/integrations/telegram/bots/:id",method="GET",status="200",service="api"}',
    );
    expect(metrics).not.toMatch(/endpoint="[^"]*b-1/);
    expect(metrics).toContain('api_request_duration_seconds_bucket');
  });

  it('counts 4xx answers by their problem code, beside 5xx', async () => {
    await call('/api/integrations/telegram/bots');
    const metrics = await (await call('/metrics')).text();
    expect(metrics).toMatch(
      /^api_request_error_total\{endpoint="\/api\/integrations\/telegram\/bots",method="GET",status="401",code="UNAUTHORIZED",service="api"\} [1-9]/m,
    );
  });

  it('is live, and ready only while RabbitMQ and Redis answer, naming the one that does not', async () => {
    expect((await call('/health/live')).status).toBe(200);
    expect((await call('/health/ready')).status).toBe(200);
    h.api.dependencies.redis.disconnect();
    const down = await call('/health/ready');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ failing: ['redis'] });
    const { redis } = h.api.dependencies;
    while (redis.status !== 'end') await new Promise((r) => setTimeout(r, 10));
    await redis.connect();
    expect((await call('/health/ready')).status).toBe(200);
  });

  it('documents every route of the contract in OpenAPI 3.1', async () => {
    const doc = (await (await call('/api/docs-json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const expected = [
      'POST /api/integrations/telegram/connect',
      'GET /api/integrations/telegram/connect/{flowId}',
      'POST /api/integrations/telegram/connect/{flowId}/code',
      'POST /api/integrations/telegram/connect/{flowId}/password',
      'DELETE /api/integrations/telegram/connect/{flowId}',
      'GET /api/integrations/telegram/accounts',
      'GET /api/integrations/telegram/accounts/{id}',
      'DELETE /api/integrations/telegram/accounts/{id}',
      'POST /api/integrations/telegram/accounts/{id}/reconnect',
      'POST /api/integrations/telegram/accounts/{id}/send',
      'POST /api/integrations/telegram/bots',
      'GET /api/integrations/telegram/bots',
      'GET /api/integrations/telegram/bots/{id}',
      'DELETE /api/integrations/telegram/bots/{id}',
      'POST /api/integrations/telegram/bots/{id}/send',
      'POST /api/integrations/telegram/channels',
      'GET /api/integrations/telegram/channels',
      'GET /api/integrations/telegram/channels/{id}',
      'DELETE /api/integrations/telegram/channels/{id}',
      'POST /api/integrations/telegram/channels/{id}/send',
      'GET /api/integrations/messages/{id}',
      'GET /api/integrations/logs',
      'GET /api/integrations/stats/messages',
      'GET /api/integrations/events',
    ];
    expect(routes).toEqual(expect.arrayContaining(expected));
    for (const name of ['Bot', 'Channel', 'Account', 'Flow', 'Message', 'Problem', 'BotSendBody'])
      expect(doc.components.schemas).toHaveProperty(name);
    expect((await call('/api/docs')).status).toBe(200);
  });

  it('streams the caller’s own events over SSE', async () => {
    const controller = new AbortController();
    const res = await fetch(`${h.api.url}/api/integrations/events`, {
      headers: { authorization: `Bearer ${alice}` },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    await h.responder.publishEvent(
      'telegram.bot.removed',
      { userId: 'bob', botId: 'b-9' },
      { userId: 'bob' },
    );
    await h.responder.publishEvent(
      'telegram.bot.removed',
      { userId: 'alice', botId: 'b-1' },
      { userId: 'alice' },
    );
    while (!text.includes('event: telegram.bot.removed'))
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('"botId":"b-1"');
    expect(text).not.toContain('"botId":"b-9"');
  });

  it('refuses a dev secret in production and names the setting', async () => {
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET })).toThrow(/AUTH_JWT_SECRET/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        AUTH_JWKS_URL: 'https://idp/jwks',
        AUTH_ISSUER: 'i',
        AUTH_AUDIENCE: 'a',
      }),
    ).toThrow(/TELEGRAM_MODE/);
    expect(() => loadConfig({})).toThrow(/AUTH_JWKS_URL/);
  });
});
