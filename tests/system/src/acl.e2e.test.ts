import type {
  Account,
  Bot,
  Channel,
  Flow,
  Message,
  WebhookCreated,
  WhatsAppMessage,
  WhatsAppNumber,
} from '@integrations/contracts';
import { infra } from '@integrations/testing';
import { createConnection } from 'mysql2/promise';
import { startStack, type Stack } from './stack';

/** Bodies that pass validation, so that what answers is the ownership check, not the schema. */
const BODIES: Record<string, unknown> = {
  'POST /api/integrations/telegram/bots/{id}/send': { chatId: '1', text: 'x' },
  'POST /api/integrations/telegram/channels/{id}/send': { text: 'x' },
  'POST /api/integrations/telegram/accounts/{id}/send': { to: '@acl_peer', text: 'x' },
  'POST /api/integrations/telegram/connect/{flowId}/code': { code: '12345' },
  'POST /api/integrations/telegram/connect/{flowId}/password': { password: 'not-theirs' },
  'PATCH /api/integrations/telegram/bots/{id}': { isActive: false },
  'PATCH /api/integrations/telegram/channels/{id}': { isActive: false },
  'PATCH /api/integrations/telegram/accounts/{id}': { isActive: false },
  'POST /api/integrations/whatsapp/numbers/{id}/send': { to: '15557100009', text: 'x' },
  'PATCH /api/integrations/whatsapp/numbers/{id}': { isActive: false },
};
const ALL_BUT_ADMIN = ['integrations:read', 'integrations:write'];

type OpenApi = { paths: Record<string, Record<string, { 'x-required-scope'?: string }>> };

/**
 * Another user's token against every route of the OpenAPI document that names a resource: 404, never a leak;
 * lists show nothing of the owner's; each too-small scope against every route: 403. The admin scope reads others'
 * resources but never drives their connect flows or changes their webhooks.
 */
describe('ACL: a second user against every route', () => {
  let stack: Stack;
  let alice: string;
  let mallory: string;
  let bot: Bot;
  let channel: Channel;
  let message: Message;
  let botToken: string;
  let webhook: WebhookCreated;
  let account: Account;
  let openFlow: Flow;
  let number: WhatsAppNumber;
  let whatsappMessage: WhatsAppMessage;

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.text()) || '{}' };
  };

  beforeAll(async () => {
    stack = await startStack('acl', { accounts: true, whatsapp: true });
    alice = await stack.token('alice');
    mallory = await stack.token('mallory', 'integrations:read integrations:write');
    const created = await stack.control.createBot({ username: 'acl_owner_bot' });
    botToken = created.token;
    await stack.control.createChat({
      type: 'channel',
      username: 'acl_news',
      title: 'ACL',
      members: [{ botId: created.id, role: 'administrator', canPost: true }],
    });
    bot = JSON.parse(
      (await call(alice, 'POST', '/api/integrations/telegram/bots', { token: created.token })).body,
    ) as Bot;
    channel = JSON.parse(
      (
        await call(alice, 'POST', '/api/integrations/telegram/channels', {
          chat: '@acl_news',
          via: { type: 'bot', id: bot.id },
        })
      ).body,
    ) as Channel;
    webhook = JSON.parse(
      (
        await call(alice, 'POST', '/api/integrations/webhooks', {
          url: 'http://127.0.0.1:9/hooks',
          events: ['telegram.#'],
        })
      ).body,
    ) as WebhookCreated;
    const phone = '+15557100001';
    await stack.control.createUser({ phone, username: 'acl_alice_tg', firstName: 'Alice' });
    await stack.control.createUser({ phone: '+15557100002', username: 'acl_peer', firstName: 'Peer' });
    const started = await stack.rest<Flow>(alice, 'POST', '/telegram/connect', { method: 'code', phone });
    const code = (await stack.control.loginCode(phone))!;
    const done = await stack.rest<Flow>(alice, 'POST', `/telegram/connect/${started.body.flowId}/code`, {
      code,
    });
    account = (await stack.rest<Account>(alice, 'GET', `/telegram/accounts/${done.body.accountId}`)).body;
    // A flow left open, waiting for its code: nobody but Alice may read it or answer it.
    openFlow = (await stack.rest<Flow>(alice, 'POST', '/telegram/connect', { method: 'qr' })).body;
    const meta = await stack.whatsapp!.control.createNumber({ verifiedName: 'ACL Shop' });
    number = (
      await stack.rest<WhatsAppNumber>(alice, 'POST', '/whatsapp/numbers', {
        phoneNumberId: meta.phoneNumberId,
        accessToken: meta.accessToken,
        appSecret: meta.appSecret,
      })
    ).body;
    whatsappMessage = (
      await stack.rest<WhatsAppMessage>(alice, 'POST', `/whatsapp/numbers/${number.id}/send`, {
        to: '15557100009',
        text: 'owned',
      })
    ).body;
    message = JSON.parse(
      (await call(alice, 'POST', `/api/integrations/telegram/channels/${channel.id}/send`, { text: 'owned' }))
        .body,
    ) as Message;
  });
  afterAll(() => stack?.close());

  const openApi = async () => JSON.parse((await call(alice, 'GET', '/api/docs-json')).body) as OpenApi;
  const idFor = (template: string): string | undefined =>
    template.includes('/connect/')
      ? openFlow.flowId
      : template.includes('/accounts/')
        ? account.id
        : template.includes('/whatsapp/numbers/')
          ? number.id
          : template.includes('/webhooks/')
            ? webhook.id
            : template.includes('/bots/')
              ? bot.id
              : template.includes('/channels/')
                ? channel.id
                : template.includes('/messages/')
                  ? message.id
                  : undefined;

  it('answers 404 to every route that names another user’s resource, and empty lists', async () => {
    const doc = await openApi();
    const walked: string[] = [];
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations).map(
        ([m, o]) => [m.toUpperCase(), o] as const,
      )) {
        const key = `${method} ${template}`;
        if (!operation['x-required-scope']) continue; // public: health, metrics, Telegram's webhook
        if (template.endsWith('/events')) continue; // a stream of the caller's own events; covered in the api tests
        if (template.includes('/admin/')) continue; // operations, not resources: the scope walk covers them
        const id = idFor(template);
        const path = template.replace(/\{[^}]+\}/g, id ?? 'x');
        if (!id && method === 'POST') continue; // creating one's own resource is not an ACL question
        const res = await call(mallory, method, path, BODIES[key]);
        walked.push(key);
        if (id) {
          expect([key, res.status, JSON.parse(res.body).code]).toEqual([key, 404, 'NOT_FOUND']);
        } else {
          expect([key, res.status]).toEqual([key, 200]);
          // Lists answer `items`; the statistics answer per-day `days`. Either way Mallory sees none of Alice's.
          const body = JSON.parse(res.body) as { items?: unknown[]; days?: unknown[] };
          expect([key, body.items ?? body.days]).toEqual([key, []]);
        }
      }
    }
    // A WhatsApp message is another platform's, found through the registry: the same 404.
    const other = await call(mallory, 'GET', `/api/integrations/messages/${whatsappMessage.id}`);
    expect([other.status, JSON.parse(other.body).code]).toEqual([404, 'NOT_FOUND']);
    for (const route of [
      '/accounts/{id}',
      '/connect/{flowId}/code',
      '/connect/{flowId}/password',
      '/whatsapp/numbers/{id}',
      '/whatsapp/numbers/{id}/send',
    ])
      expect(walked.some((key) => key.endsWith(route))).toBe(true);
    expect(walked.length).toBeGreaterThanOrEqual(20);
    // Each refusal was an ACL denial to the operators (acl_denied_total), while to Mallory it was a plain 404.
    let metrics = '';
    for (const url of stack.metricsUrls) metrics += await (await fetch(url)).text();
    for (const resource of ['bot', 'channel', 'message', 'webhook', 'account', 'flow', 'number']) {
      const sample = new RegExp(`^acl_denied_total\\{[^}]*resource="${resource}"[^}]*\\} (\\d+)`, 'm').exec(
        metrics,
      );
      expect([resource, Number(sample?.[1] ?? 0) > 0]).toEqual([resource, true]);
    }
    // The owner still sees everything, untouched.
    expect((await call(alice, 'GET', `/api/integrations/telegram/channels/${channel.id}`)).status).toBe(200);
    expect(
      JSON.parse((await call(alice, 'GET', `/api/integrations/messages/${message.id}`)).body),
    ).toMatchObject({ status: 'sent' });
  });

  it('refuses every route to each scope too small for it, with 403', async () => {
    const doc = await openApi();
    let walked = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const required = operation['x-required-scope'];
        if (!required) continue;
        const key = `${method.toUpperCase()} ${template}`;
        // Alice's own resources, so that only the scope can refuse; every scope but the one needed (never admin).
        const token = await stack.token('alice', ALL_BUT_ADMIN.filter((s) => s !== required).join(' '));
        const path = template.replace(/\{[^}]+\}/g, idFor(template) ?? 'x');
        const res = await call(token, method.toUpperCase(), path, method === 'get' ? undefined : BODIES[key]);
        expect([key, res.status]).toEqual([key, 403]);
        walked += 1;
      }
    }
    expect(walked).toBeGreaterThanOrEqual(30);
  });

  it('lets the admin scope read others’ resources, but not drive their flows or change their webhooks', async () => {
    const admin = await stack.token('ops', 'integrations:read integrations:write integrations:admin');
    const flow = `/api/integrations/telegram/connect/${openFlow.flowId}`;
    expect((await call(admin, 'GET', flow)).status).toBe(404);
    expect((await call(admin, 'POST', `${flow}/code`, { code: '12345' })).status).toBe(404);
    expect((await call(admin, 'POST', `${flow}/password`, { password: 'x' })).status).toBe(404);
    expect((await call(admin, 'DELETE', flow)).status).toBe(404);
    expect((await call(admin, 'DELETE', `/api/integrations/webhooks/${webhook.id}`)).status).toBe(404);
    expect(
      (await call(admin, 'POST', `/api/integrations/webhooks/${webhook.id}/deliveries/x/redeliver`)).status,
    ).toBe(404);
    expect((await call(admin, 'GET', `/api/integrations/webhooks/${webhook.id}`)).status).toBe(200);
    expect((await call(admin, 'GET', `/api/integrations/telegram/accounts/${account.id}`)).status).toBe(200);
    // Alice's flow and webhook are untouched.
    expect((await call(alice, 'GET', flow)).status).toBe(200);
    expect((await call(alice, 'GET', `/api/integrations/webhooks/${webhook.id}`)).status).toBe(200);
  });

  it('stores no secret in plaintext in any table of any service', async () => {
    const conn = await createConnection(infra.mysqlUrl);
    try {
      let dump = '';
      for (const database of stack.databases) {
        const [tables] = await conn.query(
          `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?`,
          [database],
        );
        for (const { name } of tables as { name: string }[]) {
          const [rows] = await conn.query(`SELECT * FROM \`${database}\`.\`${name}\``);
          dump += JSON.stringify(rows);
        }
      }
      expect(dump.length).toBeGreaterThan(1000);
      expect(dump).toContain(bot.id);
      expect(dump).not.toContain(botToken.split(':')[1]);
      expect(dump).toContain(number.id);
      expect(dump).toContain(webhook.id);
      expect(dump).not.toContain(String(webhook.secret).slice('whsec_'.length));
    } finally {
      await conn.end();
    }
  });
});
