import type { Bot, Channel, Message, WebhookCreated } from '@integrations/contracts';
import { infra } from '@integrations/testing';
import { createConnection } from 'mysql2/promise';
import { startStack, type Stack } from './stack';

/** Bodies that pass validation, so that what answers is the ownership check, not the schema. */
const BODIES: Record<string, unknown> = {
  'POST /api/integrations/telegram/bots/{id}/send': { chatId: '1', text: 'x' },
  'POST /api/integrations/telegram/channels/{id}/send': { text: 'x' },
};

/**
 * Another user's token against every route of the OpenAPI document that names a resource: 404, never a leak;
 * lists show nothing of the owner's. Routes served by the account connector are not walked: it is not built yet.
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

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.text()) || '{}' };
  };

  beforeAll(async () => {
    stack = await startStack('acl');
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
    message = JSON.parse(
      (await call(alice, 'POST', `/api/integrations/telegram/channels/${channel.id}/send`, { text: 'owned' }))
        .body,
    ) as Message;
  });
  afterAll(() => stack?.close());

  it('answers 404 to every route that names another user’s resource, and empty lists', async () => {
    const doc = JSON.parse((await call(alice, 'GET', '/api/docs-json')).body) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const walked: string[] = [];
    for (const [template, operations] of Object.entries(doc.paths)) {
      if (template.includes('/accounts') || template.includes('/connect')) continue;
      for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
        const key = `${method} ${template}`;
        if (template.endsWith('/events')) continue; // a stream of the caller's own events; covered in the api tests
        const id = template.includes('/webhooks/')
          ? webhook.id
          : template.includes('/bots/')
            ? bot.id
            : template.includes('/channels/')
              ? channel.id
              : template.includes('/messages/')
                ? message.id
                : undefined;
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
    expect(walked.length).toBeGreaterThanOrEqual(10);
    // Each refusal was an ACL denial to the operators (acl_denied_total), while to Mallory it was a plain 404.
    let metrics = '';
    for (const url of stack.metricsUrls) metrics += await (await fetch(url)).text();
    for (const resource of ['bot', 'channel', 'message', 'webhook']) {
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
      expect(dump).toContain(webhook.id);
      expect(dump).not.toContain(String(webhook.secret).slice('whsec_'.length));
    } finally {
      await conn.end();
    }
  });
});
