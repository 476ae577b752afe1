import type { Bot, LogEntryPage } from '@integrations/contracts';
import { infra, until } from '@integrations/testing';
import { createConnection } from 'mysql2/promise';
import { startStack, type Stack } from './stack';

/** Key rotation: a new version at once, every row rewrapped in the background, reads working throughout. */
describe('key rotation', () => {
  let stack: Stack;
  let admin: string;
  let user: string;
  const bots: { bot: Bot; chat: string }[] = [];

  beforeAll(async () => {
    stack = await startStack('keys');
    admin = await stack.token('ops', 'integrations:read integrations:write integrations:admin');
    user = await stack.token('key-user');
    for (let i = 0; i < 5; i++) {
      const {
        bot,
        chats: [chat],
      } = await stack.connectBotWithGroups(user, `rotating${i}_bot`);
      bots.push({ bot, chat: chat!.id });
    }
  });
  afterAll(() => stack?.close());

  const versions = async () => {
    const conn = await createConnection(infra.mysqlUrl);
    try {
      const [rows] = await conn.query(
        `SELECT bot_token_key_version AS v, bot_token_enc AS enc FROM \`${stack.databases[0]}\`.telegram_bots`,
      );
      return rows as { v: number; enc: string }[];
    } finally {
      await conn.end();
    }
  };
  const rotate = (token: string) =>
    fetch(`${stack.apiUrl}/api/integrations/admin/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ keyName: 'telegram-bots' }),
    });

  it('needs the admin scope', async () => {
    const res = await rotate(user);
    expect(res.status).toBe(403);
    expect((await versions()).every((r) => r.v === 1)).toBe(true);
  });

  it('rotates, rewraps every row to the new version, and keeps the tokens working', async () => {
    const res = await rotate(admin);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ rotations: [{ keyName: 'telegram-bots', version: 2 }] });
    await until(async () => (await versions()).every((r) => r.v === 2));
    expect((await versions()).every((r) => r.enc.startsWith('local:v2:'))).toBe(true);
    for (const { bot, chat } of bots) {
      const sent = await fetch(`${stack.apiUrl}/api/integrations/telegram/bots/${bot.id}/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
        body: JSON.stringify({ chatId: chat, text: 'after rotation' }),
      });
      expect(sent.status).toBe(200);
    }
  });

  it('records the rotation and the finished rewrap in the audit log', async () => {
    await until(async () => {
      const res = await fetch(`${stack.apiUrl}/api/integrations/logs?type=security`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      const page = (await res.json()) as LogEntryPage;
      return page.items.some((i) => i.action === 'key_rewrapped');
    });
    const page = (await (
      await fetch(`${stack.apiUrl}/api/integrations/logs?type=security`, {
        headers: { authorization: `Bearer ${admin}` },
      })
    ).json()) as LogEntryPage;
    expect(page.items.map((i) => i.action).sort()).toEqual(['key_rewrapped', 'key_rotated']);
    expect(page.items.find((i) => i.action === 'key_rewrapped')?.details).toMatchObject({
      rows: 5,
      version: 2,
    });
  });

  it('rotates every key when none is named, webhook signing secrets included', async () => {
    const hook = await fetch(`${stack.apiUrl}/api/integrations/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hooks', events: ['#'] }),
    });
    expect(hook.status).toBe(201);
    const { id, secret } = (await hook.json()) as { id: string; secret: string };
    const res = await fetch(`${stack.apiUrl}/api/integrations/admin/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(202);
    const { rotations } = (await res.json()) as { rotations: { keyName: string; version: number }[] };
    expect(rotations.map((r) => r.keyName).sort()).toEqual(['integration-webhooks', 'telegram-bots']);
    const webhookVersion = rotations.find((r) => r.keyName === 'integration-webhooks')?.version as number;
    const conn = await createConnection(infra.mysqlUrl);
    try {
      const secretRow = async () => {
        const [rows] = await conn.query(
          `SELECT secret_key_version AS v, secret_enc AS enc FROM \`${stack.databases[1]}\`.webhooks WHERE id = ?`,
          [id],
        );
        return (rows as { v: number; enc: string }[])[0];
      };
      await until(async () => (await secretRow())?.v === webhookVersion);
      expect((await secretRow())?.enc).not.toContain(secret.slice('whsec_'.length));
    } finally {
      await conn.end();
    }
    await until(async () => (await versions()).every((r) => r.v === 3));
  });
});
