import { DomainError, type Envelope } from '@integrations/contracts';
import { SignJWT } from 'jose';
import { infra } from '@integrations/testing';
import { Redis } from 'ioredis';
import { SECRET, startHarness, type Harness } from '../test/harness';

/** Security properties of the api (issue 19): what it keeps, whom it trusts, what it refuses. */
describe('api security', () => {
  let h: Harness;
  let redis: Redis;
  const SIGNING_SECRET = `whsec_${Buffer.from('signing-secret-of-the-test-webhook').toString('base64')}`;

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
    h = await startHarness(
      async (envelope: Envelope) => {
        const data = envelope.data as Record<string, unknown>;
        if (envelope.type === 'webhooks.create')
          return {
            id: 'w-1',
            url: data['url'],
            events: data['events'],
            status: 'active',
            createdAt: '2026-12-02T10:00:00.000Z',
            secret: SIGNING_SECRET,
          };
        throw new DomainError('NOT_FOUND', 'unknown');
      },
      ['webhooks.*'],
      { AUTH_MAX_TOKEN_AGE_S: '3600', API_SSE_MAX_PER_USER: '2', RATE_LIMIT_SENDS: '2' },
    );
    redis = new Redis(infra.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  it('keeps no webhook signing secret in the Idempotency-Key record, and a replay says it was shown once', async () => {
    const token = await h.token('alice');
    const create = () =>
      call('/api/integrations/webhooks', {
        method: 'POST',
        token,
        headers: { 'idempotency-key': 'hook-1' },
        body: JSON.stringify({ url: 'https://hooks.example.com/in', events: ['telegram.#'] }),
      });
    const first = await create();
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ id: 'w-1', secret: SIGNING_SECRET });

    const keys = await redis.keys(`${h.config.redisPrefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    const values = await Promise.all(keys.map((key) => redis.get(key)));
    expect(values.join('\n')).not.toContain('whsec_');

    const replay = await create();
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const body = (await replay.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: 'w-1', secretShownOnce: true });
    expect(body).not.toHaveProperty('secret');
    expect(h.received.filter((e) => e.type === 'webhooks.create')).toHaveLength(1);
  });

  describe('tokens', () => {
    const sign = (claims: { exp?: number; iat?: number }) => {
      let jwt = new SignJWT({ scope: 'integrations:read' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice');
      if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
      if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
      return jwt.sign(new TextEncoder().encode(SECRET));
    };
    const now = () => Math.floor(Date.now() / 1000);
    const status = async (token: string) => (await call('/api/integrations/telegram/bots', { token })).status;

    it('refuses a token without exp', async () => {
      expect(await status(await sign({ iat: now() }))).toBe(401);
    });

    it('refuses a token that lives longer than the maximum token age, and takes one within it', async () => {
      expect(await status(await sign({ iat: now(), exp: now() + 2 * 3600 }))).toBe(401);
      expect(await status(await sign({ exp: now() + 2 * 3600 }))).toBe(401);
      const ok = await call('/api/integrations/events', {
        token: await sign({ iat: now(), exp: now() + 600 }),
      });
      expect(ok.status).toBe(200);
      await ok.body?.cancel();
    });
  });

  describe('event streams', () => {
    /** Reads a stream to its end (the server closing it) and answers everything it sent. */
    const readToEnd = async (res: Response): Promise<string> => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text;
        text += decoder.decode(value, { stream: true });
      }
    };

    it('closes a stream when its token expires', async () => {
      const token = await h.token('expiring', 'integrations:read', '2s');
      const res = await call('/api/integrations/events', { token });
      expect(res.status).toBe(200);
      // The server ends the stream: reading to the end returns (a stream left open would hit the test timeout).
      const text = await readToEnd(res);
      expect(text).toContain(': token expired');
      // Reconnecting with it is refused (within the clock tolerance too), so the client stops and signs out.
      expect((await call('/api/integrations/events', { token })).status).toBe(401);
    });

    it('caps the open streams per user', async () => {
      const token = await h.token('streamer', 'integrations:read');
      const open = [
        await call('/api/integrations/events', { token }),
        await call('/api/integrations/events', { token }),
      ];
      expect(open.map((r) => r.status)).toEqual([200, 200]);
      const third = await call('/api/integrations/events', { token });
      expect(third.status).toBe(429);
      expect(third.headers.get('content-type')).toContain('application/problem+json');
      for (const res of open) await res.body?.cancel();
    });
  });

  it('gives account sends the send limit, like bot and channel sends', async () => {
    const token = await h.token('sender');
    const send = () =>
      call('/api/integrations/telegram/accounts/acc-1/send', {
        method: 'POST',
        token,
        body: JSON.stringify({ to: '@someone', text: 'hello' }),
      });
    // Two pass the limit (no connector answers here: 504); the third is over the send limit of 2.
    expect([(await send()).status, (await send()).status]).toEqual([504, 504]);
    const third = await send();
    expect(third.status).toBe(429);
    expect(third.headers.get('ratelimit-limit')).toBe('2');
  });
});

/** Per-IP limits key on the peer address; X-Forwarded-For counts only when it comes from a configured proxy. */
describe('X-Forwarded-For and TRUSTED_PROXIES', () => {
  const threeFromDifferentClients = async (h: Harness) => {
    const statuses: number[] = [];
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      statuses.push(
        (
          await fetch(`${h.api.url}/api/integrations/telegram/bots`, {
            headers: { 'x-forwarded-for': client },
          })
        ).status,
      );
    return statuses;
  };

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const h = await startHarness(async () => ({}), ['webhooks.*'], { RATE_LIMIT_PER_IP: '2' });
    try {
      // Every request is the same client (the peer, 127.0.0.1) whatever it claims: the third is over the limit.
      expect(await threeFromDifferentClients(h)).toEqual([401, 401, 429]);
    } finally {
      await h.close();
    }
  });

  it('believes X-Forwarded-For from a configured proxy', async () => {
    const h = await startHarness(async () => ({}), ['webhooks.*'], {
      RATE_LIMIT_PER_IP: '2',
      TRUSTED_PROXIES: '127.0.0.1',
    });
    try {
      expect(await threeFromDifferentClients(h)).toEqual([401, 401, 401]);
    } finally {
      await h.close();
    }
  });
});
