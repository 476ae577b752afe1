import { DomainError, type Envelope } from '@integrations/contracts';
import { infra } from '@integrations/testing';
import { Redis } from 'ioredis';
import { startHarness, type Harness } from './test-harness';

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
});
