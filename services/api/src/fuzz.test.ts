import type { Envelope } from '@integrations/contracts';
import fc from 'fast-check';
import { bot, startHarness, type Harness } from '../test/harness';

/** Hostile and random input at the REST edge: always a 4xx problem, never a crash, never a command sent. */
describe('api under random input', () => {
  let h: Harness;
  let token: string;
  const received: Envelope[] = [];

  beforeAll(async () => {
    h = await startHarness(async (envelope) => {
      received.push(envelope);
      return envelope.type === 'audit.logs.query' ? { items: [], nextCursor: null } : bot('b-1');
    });
    token = await h.token('fuzzer');
  });
  afterAll(() => h?.close());

  const post = (path: string, body: string) =>
    fetch(`${h.api.url}/api/integrations${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });

  it('refuses every body that breaks a schema with a 4xx problem and changes nothing', async () => {
    const hostile = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 300 }),
      fc
        .record({
          token: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string())),
          extra: fc.anything(),
        })
        .map((v) => JSON.stringify(v)),
      fc
        .record({
          chatId: fc.string(),
          text: fc.oneof(fc.constant(''), fc.string({ minLength: 4097, maxLength: 4200 })),
        })
        .map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '[]',
        'null',
        '"\\u0000"',
        '{"token":"x"}'.repeat(3),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/telegram/bots',
          '/telegram/bots/b-1/send',
          '/telegram/channels',
          '/telegram/connect',
        ),
        hostile,
        async (path, body) => {
          const before = received.length;
          const res = await post(path, body);
          const problem = (await res.json()) as { code?: string };
          // A valid body is possible by chance only for '{"token":...}' strings: then the command is legitimate.
          if (res.status < 400) return path === '/telegram/bots' && received.length === before + 1;
          return (
            res.status >= 400 &&
            res.status < 500 &&
            typeof problem.code === 'string' &&
            received.length === before
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses hostile query strings on lists', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('limit', 'cursor', 'type', 'status', 'from', 'x'),
          fc.string({ maxLength: 40 }),
        ),
        async (query) => {
          const res = await fetch(
            `${h.api.url}/api/integrations/logs?${new URLSearchParams(query).toString()}`,
            {
              headers: { authorization: `Bearer ${token}` },
            },
          );
          return (
            res.status === 200 ||
            (res.status === 422 && ((await res.json()) as { code: string }).code === 'VALIDATION_FAILED')
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
