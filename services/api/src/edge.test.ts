import type { Envelope } from '@integrations/contracts';
import { DomainError } from '@integrations/contracts';
import { bot, startHarness, type Harness } from '../test/harness';

const accountChannel = (id: string) => ({
  id,
  chatId: '-1001',
  title: 'News',
  type: 'channel' as const,
  via: { type: 'account' as const, id: 'acc-1' },
  canPost: true,
  status: 'active' as const,
  lastCheckedAt: null,
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:00:00.000Z',
  isActive: true,
  label: null,
});

/** The edge of the api: rate limits shared by replicas, CORS from the allow-list, security headers. */
describe('api edge protections', () => {
  let h: Harness;
  let token: string;

  beforeAll(async () => {
    h = await startHarness(
      async (envelope: Envelope) => {
        const data = envelope.data as Record<string, unknown>;
        const message = (id: unknown) => ({ id, status: 'sent', chatId: '42', telegramMessageId: '1' });
        if (
          ['telegram.bot.send', 'telegram.account.send', 'telegram.account.channel.send'].includes(
            envelope.type,
          )
        )
          return message(data['messageId']);
        if (envelope.type === 'telegram.bot.message.get' || envelope.type === 'telegram.account.message.get')
          return message(data['id']);
        if (envelope.type === 'telegram.bot.get') return bot(String(data['id']));
        if (envelope.type === 'telegram.account.channel.get') return accountChannel(String(data['id']));
        if (envelope.type === 'telegram.bot.channel.get')
          throw new DomainError('NOT_FOUND', 'not a channel of a bot');
        return { items: [], nextCursor: null };
      },
      ['telegram.bot.#', 'telegram.account.#'],
      {
        RATE_LIMIT_SENDS: '3',
        RATE_LIMIT_SENSITIVE: '2',
        RATE_LIMIT_PER_USER: '8',
        RATE_LIMIT_PER_IP: '1000',
      },
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
    expect(metrics).toMatch(/api_rate_limited_total\{scope="send",service="api"\} 1/);
  });

  it('counts sends against the send limit only: they leave the per-user budget of other calls alone', async () => {
    const sender = await h.token('campaign');
    for (let i = 0; i < 3; i++) expect((await send(h.api.url, sender)).status).toBe(200);
    // 8 reads still fit the per-user limit of 8: the 3 sends did not use it.
    for (let i = 0; i < 8; i++) {
      const read = await fetch(`${h.api.url}/api/integrations/telegram/bots/b-1`, {
        headers: { authorization: `Bearer ${sender}` },
      });
      expect(read.status).toBe(200);
    }
  });

  it('keeps the strict sensitive limit for connect attempts', async () => {
    const connector = await h.token('connector');
    const connect = () =>
      fetch(`${h.api.url}/api/integrations/telegram/bots`, {
        method: 'POST',
        headers: { authorization: `Bearer ${connector}`, 'content-type': 'application/json' },
        body: JSON.stringify({ token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi' }),
      });
    expect((await connect()).status).not.toBe(429);
    expect((await connect()).status).not.toBe(429);
    const refused = await connect();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-limit')).toBe('2');
  });

  it("records a sent message's owner with the send's count, so its status is asked of that connector alone", async () => {
    const owner = await h.token('owner-check');
    const res = await fetch(`${h.api.url}/api/integrations/telegram/accounts/acc-1/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: '@someone', text: 'hi' }),
    });
    expect(res.status).toBe(200);
    const sent = (await res.json()) as { id: string };
    const asked = () =>
      h.received.filter((e) => (e.data as { id?: string }).id === sent.id).map((e) => e.type);
    const status = await fetch(`${h.api.url}/api/integrations/messages/${sent.id}`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(status.status).toBe(200);
    // Without the record, the bot connector would be asked first.
    expect(asked()).toEqual(['telegram.account.message.get']);
  });

  it("copies a channel's known owner to the message it sends", async () => {
    const poster = await h.token('poster');
    const headers = { authorization: `Bearer ${poster}`, 'content-type': 'application/json' };
    const url = `${h.api.url}/api/integrations/telegram/channels/ch-1`;
    // The first read learns the owner (the bot connector answers 404, the account connector has it).
    expect((await fetch(url, { headers })).status).toBe(200);
    const res = await fetch(`${url}/send`, { method: 'POST', headers, body: JSON.stringify({ text: 'hi' }) });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const types = () => h.received.map((e) => e.type);
    const before = types().length;
    expect((await fetch(`${h.api.url}/api/integrations/messages/${id}`, { headers })).status).toBe(200);
    expect(types().slice(before)).toEqual(['telegram.account.message.get']);
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
