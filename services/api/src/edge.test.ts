import type { Envelope } from '@integrations/contracts';
import { bot, startHarness, type Harness } from '../test/harness';

/** The edge of the api: rate limits shared by replicas, CORS from the allow-list, security headers. */
describe('api edge protections', () => {
  let h: Harness;
  let token: string;

  beforeAll(async () => {
    h = await startHarness(
      async (envelope: Envelope) => {
        const data = envelope.data as Record<string, unknown>;
        if (envelope.type === 'telegram.bot.send')
          return { id: data['messageId'], status: 'sent', chatId: data['chatId'], telegramMessageId: '1' };
        if (envelope.type === 'telegram.bot.get') return bot(String(data['id']));
        return { items: [], nextCursor: null };
      },
      undefined,
      { RATE_LIMIT_SENSITIVE: '3', RATE_LIMIT_PER_USER: '8', RATE_LIMIT_PER_IP: '1000' },
    );
    token = await h.token('limited-user');
  });
  afterAll(() => h?.close());

  const send = (url: string, auth = token) =>
    fetch(`${url}/api/integrations/telegram/bots/b-1/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chatId: '42', text: 'hi' }),
    });

  it('limits sends per user across api replicas, with Retry-After and RateLimit headers', async () => {
    const replica = await h.anotherReplica();
    const first = await send(h.api.url);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    expect((await send(replica.url)).status).toBe(200);
    expect((await send(h.api.url)).status).toBe(200);
    const refused = await send(replica.url);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // Another user has their own budget.
    expect((await send(h.api.url, await h.token('someone-else'))).status).toBe(200);
    // The replica that refused counts it.
    const metrics = await (await fetch(`${replica.url}/metrics`)).text();
    expect(metrics).toMatch(/api_rate_limited_total\{scope="sensitive",service="api"\} 1/);
  });

  it('limits every route per user, reads included', async () => {
    const reader = await h.token('busy-reader');
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      statuses.push(
        (
          await fetch(`${h.api.url}/api/integrations/telegram/bots/b-1`, {
            headers: { authorization: `Bearer ${reader}` },
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 8).every((s) => s === 200)).toBe(true);
    expect(statuses[8]).toBe(429);
  });

  it('answers CORS preflights only for allowed origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${h.api.url}/api/integrations/telegram/bots`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const denied = await preflight('https://evil.example.net');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends security headers and no framework banner', async () => {
    const res = await fetch(`${h.api.url}/health/live`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
