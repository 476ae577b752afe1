import type { Account, Bot, Flow, LogEntryPage, Message } from '@integrations/contracts';
import { KEY_NAMES, createCipherFromEnv, isBound } from '@integrations/secrets';
import { infra, until, waitFor } from '@integrations/testing';
import { createConnection } from 'mysql2/promise';
import { sessionContext } from '@integrations/connector-telegram-account';
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

  it('refuses to rotate a key of a connector this deployment does not run, and changes nothing', async () => {
    const res = await fetch(`${stack.apiUrl}/api/integrations/admin/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ keyName: 'telegram-sessions' }),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await versions()).every((r) => r.v === 1)).toBe(true);
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

/** The account connector's key: every stored session rewrapped, the live clients sending throughout. */
describe('session key rotation', () => {
  let stack: Stack;
  let admin: string;
  let alice: string;
  let account: Account;
  const phone = '+15557000042';

  beforeAll(async () => {
    stack = await startStack('keysacct', { accounts: true });
    admin = await stack.token('ops', 'integrations:read integrations:write integrations:admin');
    alice = await stack.token('alice');
    await stack.control.createUser({ phone, username: 'rotating_tg', firstName: 'Rot' });
    await stack.control.createUser({ phone: '+15557000043', username: 'peer_tg', firstName: 'Peer' });
    const started = await stack.rest<Flow>(alice, 'POST', '/telegram/connect', { method: 'code', phone });
    const code = (await stack.control.loginCode(phone))!;
    const done = await stack.rest<Flow>(alice, 'POST', `/telegram/connect/${started.body.flowId}/code`, {
      code,
    });
    expect(done.body.status).toBe('active');
    account = (await stack.rest<Account>(alice, 'GET', `/telegram/accounts/${done.body.accountId}`)).body;
  });
  afterAll(() => stack?.close());

  const sessions = async () => {
    const conn = await createConnection(infra.mysqlUrl);
    try {
      const [rows] = await conn.query(
        `SELECT session_key_version AS v, session_enc AS enc, phone_key_version AS pv, phone_enc AS penc
           FROM \`${stack.accountDatabase}\`.telegram_sessions`,
      );
      return rows as { v: number; enc: string; pv: number; penc: string }[];
    } finally {
      await conn.end();
    }
  };

  const revealed = async () =>
    (await stack.rest<Account>(alice, 'GET', `/telegram/accounts/${account.id}?reveal=phone`)).body.fullPhone;

  it('rotates telegram-sessions, rewraps every session and phone number, audits it, and the live client keeps sending', async () => {
    expect((await sessions()).map((r) => [r.v, r.pv])).toEqual([[1, 1]]);
    expect(await revealed()).toBe(phone);
    const res = await fetch(`${stack.apiUrl}/api/integrations/admin/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ keyName: 'telegram-sessions' }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ rotations: [{ keyName: 'telegram-sessions', version: 2 }] });
    await waitFor('every session and phone on version 2', async () =>
      (await sessions()).every((r) => r.v === 2 && r.pv === 2),
    );
    expect(
      (await sessions()).every((r) => r.enc.startsWith('local:v2:') && r.penc.startsWith('local:v2:')),
    ).toBe(true);
    expect(await revealed()).toBe(phone);

    const sent = await stack.rest<Message>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@peer_tg',
      text: 'after the session key rotation',
    });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('sent');

    await waitFor('the rewrap in the audit log', async () => {
      const page = (await stack.rest<LogEntryPage>(admin, 'GET', '/logs?type=security')).body;
      return page.items.some((i) => i.action === 'key_rewrapped');
    });
    const page = (await stack.rest<LogEntryPage>(admin, 'GET', '/logs?type=security')).body;
    expect(page.items.find((i) => i.action === 'key_rewrapped')?.details).toMatchObject({
      keyName: 'telegram-sessions',
      // One account: its session and its phone number.
      rows: 2,
      version: 2,
    });
  });

  it('reads the rewrapped session after a restart', async () => {
    await stack.restartAccounts();
    // Ready before its sessions are back (they are restored in the background): `connecting` until then.
    await waitFor('the session restored after the restart', async () => {
      const after = await stack.rest<Account>(alice, 'GET', `/telegram/accounts/${account.id}`);
      return after.body.status === 'active';
    });
    const sent = await stack.rest<Message>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@peer_tg',
      text: 'after a restart on the new key',
    });
    expect(sent.body.status).toBe('sent');
    expect(await revealed()).toBe(phone);
  });

  const setSession = async (enc: string) => {
    const conn = await createConnection(infra.mysqlUrl);
    try {
      await conn.query(`UPDATE \`${stack.accountDatabase}\`.telegram_sessions SET session_enc = ?`, [enc]);
    } finally {
      await conn.end();
    }
  };
  const sessionRow = async () => {
    const conn = await createConnection(infra.mysqlUrl);
    try {
      const [rows] = await conn.query(
        `SELECT session_enc AS enc, telegram_user_id AS tg, user_id AS owner FROM \`${stack.accountDatabase}\`.telegram_sessions`,
      );
      return (rows as { enc: string; tg: string; owner: string }[])[0]!;
    } finally {
      await conn.end();
    }
  };

  it('binds a session written before binding to its row at start-up (the rewrap migration)', async () => {
    const cipher = createCipherFromEnv(stack.botEnv);
    const row = await sessionRow();
    const session = await cipher.decrypt(KEY_NAMES.sessions, row.enc, sessionContext(row.tg, row.owner));
    stack.rememberSecret(session);
    await setSession((await cipher.encrypt(KEY_NAMES.sessions, session)).ciphertext);
    expect(isBound((await sessionRow()).enc)).toBe(false);
    await stack.restartAccounts();
    await waitFor('the session bound to its row', async () => isBound((await sessionRow()).enc));
    const sent = await stack.rest<Message>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@peer_tg',
      text: 'after the binding migration',
    });
    expect(sent.body.status).toBe('sent');
  });

  it('refuses a session ciphertext copied from another user’s row', async () => {
    const cipher = createCipherFromEnv(stack.botEnv);
    const row = await sessionRow();
    const session = await cipher.decrypt(KEY_NAMES.sessions, row.enc, sessionContext(row.tg, row.owner));
    // What another user's row would hold: the same kind of ciphertext, bound to that row.
    await setSession(
      (await cipher.encrypt(KEY_NAMES.sessions, session, sessionContext(row.tg, 'mallory'))).ciphertext,
    );
    await stack.restartAccounts();
    await waitFor('the account to be refused its session', async () => {
      const after = await stack.rest<Account>(alice, 'GET', `/telegram/accounts/${account.id}`);
      return after.body.status !== 'active' && after.body.status !== 'connecting';
    });
    const sent = await stack.rest<{ code: string }>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@peer_tg',
      text: 'must not go out',
    });
    expect(sent.status).toBeGreaterThanOrEqual(400);
  });
});
