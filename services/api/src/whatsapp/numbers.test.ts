import { DomainError, type Envelope } from '@integrations/contracts';
import { callApi, startHarness, type Harness } from '../../test/harness';

const BASE = '/api/integrations/whatsapp/numbers';

const number = (id: string, isActive = true) => ({
  id,
  phoneNumberId: '1000001',
  displayPhoneNumber: '+1 555 0100',
  verifiedName: 'Demo Shop',
  qualityRating: 'GREEN',
  status: 'active',
  isActive,
  label: null,
  webhookUrl: null,
  lastError: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
});

/** The WhatsApp routes against a stand-in connector: each route is one `whatsapp.*` command. */
describe('WhatsApp numbers api', () => {
  let h: Harness;
  let alice: string;
  const call = (path: string, init: RequestInit & { token?: string } = {}) => callApi(h, path, init);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, { method: 'POST', token: alice, body: JSON.stringify(body), headers });

  beforeAll(async () => {
    h = await startHarness(
      async (envelope: Envelope) => {
        const data = envelope.data as Record<string, unknown>;
        switch (envelope.type) {
          case 'whatsapp.number.connect':
            if (data['accessToken'] === 'bad')
              throw new DomainError('WHATSAPP_TOKEN_INVALID', 'Meta does not know this token.');
            if (data['phoneNumberId'] === '2') throw new DomainError('CONFLICT', 'Already connected.');
            return number('n-1');
          case 'whatsapp.number.list':
            return { items: [number('n-1')], nextCursor: null };
          case 'whatsapp.number.get':
            if (data['id'] !== 'n-1') throw new DomainError('NOT_FOUND', 'No such number.');
            return number('n-1');
          case 'whatsapp.number.update':
            return number('n-1', data['isActive'] as boolean);
          case 'whatsapp.number.remove':
            return {};
          case 'whatsapp.number.send':
          case 'whatsapp.message.get':
            return {
              id: data['messageId'] ?? data['id'],
              numberId: 'n-1',
              to: '15550001111',
              type: 'text',
              status: data['async'] ? 'queued' : 'accepted',
              createdAt: '2026-12-01T10:00:00.000Z',
              updatedAt: '2026-12-01T10:00:00.000Z',
            };
          default:
            throw new DomainError('NOT_FOUND', 'unknown');
        }
      },
      ['whatsapp.#'],
    );
    alice = await h.token('alice');
  });
  afterAll(() => h?.close());
  beforeEach(() => {
    h.received.length = 0;
  });

  it('connects a number (201 with Location), refusing a bad token (422) and a duplicate (409)', async () => {
    const created = await post(BASE, { phoneNumberId: '1000001', accessToken: 'tok', appSecret: 'sec' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${BASE}/n-1`);
    expect(await created.json()).toMatchObject({ id: 'n-1', qualityRating: 'GREEN' });
    const bad = await post(BASE, { phoneNumberId: '1000001', accessToken: 'bad', appSecret: 'sec' });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: 'WHATSAPP_TOKEN_INVALID' });
    const duplicate = await post(BASE, { phoneNumberId: '2', accessToken: 'tok', appSecret: 'sec' });
    expect(duplicate.status).toBe(409);
  });

  it('refuses bad bodies before any command: no secret, both text and template, neither', async () => {
    const refused = [
      await post(BASE, { phoneNumberId: '1000001', accessToken: 'tok' }),
      await post(BASE, { phoneNumberId: 'abc', accessToken: 'tok', appSecret: 'sec' }),
      await post(`${BASE}/n-1/send`, {
        to: '15550001111',
        text: 'hi',
        template: { name: 'hello', language: 'en_US' },
      }),
      await post(`${BASE}/n-1/send`, { to: '15550001111' }),
      await post(`${BASE}/n-1/send`, { to: 'not-a-number', text: 'hi' }),
    ];
    expect(refused.map((r) => r.status)).toEqual([422, 422, 422, 422, 422]);
    expect(refused.every((r) => r.headers.get('content-type')?.includes('application/problem+json'))).toBe(
      true,
    );
    expect(h.received).toEqual([]);
  });

  it('lists, gets, pauses and removes numbers with the matching commands', async () => {
    expect(await (await call(BASE, { token: alice })).json()).toMatchObject({ items: [{ id: 'n-1' }] });
    expect((await call(`${BASE}/n-1`, { token: alice })).status).toBe(200);
    expect((await call(`${BASE}/n-2`, { token: alice })).status).toBe(404);
    const paused = await call(`${BASE}/n-1`, {
      method: 'PATCH',
      token: alice,
      body: JSON.stringify({ isActive: false }),
    });
    expect(await paused.json()).toMatchObject({ isActive: false });
    expect((await call(`${BASE}/n-1`, { method: 'DELETE', token: alice })).status).toBe(204);
    expect(h.received.map((e) => [e.type, e.data])).toEqual([
      ['whatsapp.number.list', { limit: 20 }],
      ['whatsapp.number.get', { id: 'n-1' }],
      ['whatsapp.number.get', { id: 'n-2' }],
      ['whatsapp.number.update', { id: 'n-1', isActive: false }],
      ['whatsapp.number.remove', { id: 'n-1' }],
    ]);
  });

  it('needs the write scope to connect or send', async () => {
    const reader = await h.token('alice', 'integrations:read');
    const res = await call(`${BASE}/n-1/send`, {
      method: 'POST',
      token: reader,
      body: JSON.stringify({ to: '15550001111', text: 'hi' }),
    });
    expect(res.status).toBe(403);
    expect(h.received).toEqual([]);
  });

  it('sends a template or a text (sync, or 202 with Location), and GET /messages/{id} asks the WhatsApp connector', async () => {
    const sync = await post(`${BASE}/n-1/send`, {
      to: '15550001111',
      template: {
        name: 'hello',
        language: 'en_US',
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ann' }] }],
      },
    });
    expect(sync.status).toBe(200);
    const queued = await post(
      `${BASE}/n-1/send`,
      { to: '15550001111', text: 'hi' },
      { prefer: 'respond-async' },
    );
    expect(queued.status).toBe(202);
    const message = (await queued.json()) as { id: string; status: string };
    expect(message.status).toBe('queued');
    expect(queued.headers.get('location')).toBe(`/api/integrations/messages/${message.id}`);
    const status = await call(`/api/integrations/messages/${message.id}`, { token: alice });
    expect(await status.json()).toMatchObject({ id: message.id, numberId: 'n-1' });
    const sends = h.received.filter((e) => e.type === 'whatsapp.number.send');
    expect(sends.map((e) => e.data)).toEqual([
      expect.objectContaining({
        numberId: 'n-1',
        template: expect.objectContaining({ name: 'hello' }),
        async: false,
      }),
      expect.objectContaining({ numberId: 'n-1', text: 'hi', messageId: message.id, async: true }),
    ]);
    expect(sends[1]?.idempotencykey).toBe(message.id);
    // The owner was remembered: the message was asked of the WhatsApp connector only.
    expect(h.received.filter((e) => e.type.endsWith('.message.get')).map((e) => e.type)).toEqual([
      'whatsapp.message.get',
    ]);
  });

  it('documents the routes in OpenAPI with their bodies and the WhatsApp message', async () => {
    const doc = (await (await call('/api/docs-json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([BASE, `${BASE}/{id}`, `${BASE}/{id}/send`]),
    );
    expect(doc.components.schemas).toHaveProperty('WhatsAppSendBody');
    expect(doc.components.schemas).toHaveProperty('WhatsAppTemplate');
    expect(doc.components.schemas).toHaveProperty('WhatsAppMessageError');
    expect(JSON.stringify(doc.paths['/api/integrations/messages/{id}'])).toContain('WhatsAppMessage');
  });
});
