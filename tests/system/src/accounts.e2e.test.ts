import type { Account, Channel, Flow, LogEntryPage, Message } from '@integrations/contracts';
import { createCipherFromEnv, isBound, KEY_NAMES } from '@integrations/secrets';
import { until, waitFor } from '@integrations/testing';
import { createConnection } from 'mysql2/promise';
import { phoneContext, sessionContext } from '@integrations/connector-telegram-account';
import { startStack, type Stack } from './stack';

/**
 * Telegram user accounts end to end: REST → api → RabbitMQ → account connector → the emulator's MTProto server
 * (the real GramJS client) and back, with audit-log recording the events.
 */
describe('accounts end to end through REST', () => {
  let stack: Stack;
  let alice: string;
  let mallory: string;
  let account: Account;
  const phone = '+15557000001';

  beforeAll(async () => {
    stack = await startStack('acct', { accounts: true });
    alice = await stack.token('alice');
    mallory = await stack.token('mallory');
    await stack.control.createUser({ phone, username: 'alice_tg', firstName: 'Alice', password: 'hunter2' });
  });
  afterAll(() => stack?.close());

  const flowOf = (flowId: string, token = alice) =>
    stack.rest<Flow>(token, 'GET', `/telegram/connect/${flowId}`);

  it('connects by phone code and 2FA password, explaining wrong ones, and stores the account', async () => {
    const started = await stack.rest<Flow>(alice, 'POST', '/telegram/connect', { method: 'code', phone });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ method: 'code', status: 'awaiting_code', codeType: 'app' });
    const { flowId } = started.body;

    expect((await flowOf(flowId, mallory)).status).toBe(404);
    const code = (await stack.control.loginCode(phone))!;
    const wrong = await stack.rest<{ code: string }>(alice, 'POST', `/telegram/connect/${flowId}/code`, {
      code: code === '11111' ? '22222' : '11111',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('TELEGRAM_CODE_INVALID');

    const needsPassword = await stack.rest<Flow>(alice, 'POST', `/telegram/connect/${flowId}/code`, { code });
    expect(needsPassword.status).toBe(200);
    expect(needsPassword.body.status).toBe('awaiting_password');

    const badPassword = await stack.rest<{ code: string }>(
      alice,
      'POST',
      `/telegram/connect/${flowId}/password`,
      {
        password: 'wrong',
      },
    );
    expect(badPassword.status).toBe(422);
    expect(badPassword.body.code).toBe('TELEGRAM_PASSWORD_INVALID');

    const done = await stack.rest<Flow>(alice, 'POST', `/telegram/connect/${flowId}/password`, {
      password: 'hunter2',
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('active');
    expect(done.body.accountId).toBeDefined();

    const list = await stack.rest<{ items: Account[] }>(alice, 'GET', '/telegram/accounts');
    expect(list.body.items).toHaveLength(1);
    account = list.body.items[0]!;
    expect(account).toMatchObject({
      id: done.body.accountId,
      status: 'active',
      username: 'alice_tg',
      phone: '+1555***0001',
    });
    expect((await stack.rest(mallory, 'GET', `/telegram/accounts/${account.id}`)).status).toBe(404);
  });

  it('keeps the session only encrypted', async () => {
    const conn = await createConnection({ uri: `mysql://root@127.0.0.1:3306/${stack.accountDatabase}` });
    try {
      const [rows] = await conn.query('select session_enc, telegram_user_id, user_id from telegram_sessions');
      const row = (rows as { session_enc: string; telegram_user_id: string; user_id: string }[])[0]!;
      const stored = row.session_enc;
      const session = await createCipherFromEnv(stack.botEnv).decrypt(
        KEY_NAMES.sessions,
        stored,
        sessionContext(row.telegram_user_id, row.user_id),
      );
      // A GramJS StringSession is "1" followed by base64; the stored form is the keyring's envelope around it.
      expect(session).toMatch(/^1[A-Za-z0-9+/=]{100,}$/);
      expect(stored).not.toContain(session);
      // No service may ever log it: the stack's close() checks every log line.
      stack.rememberSecret(session);
    } finally {
      await conn.end();
    }
  });

  it('reveals the full phone number to its owner only, each reveal audited, and stores it only encrypted', async () => {
    const path = `/telegram/accounts/${account.id}`;
    // Nothing may keep the number in clear text: close() scans the logs, Redis, the queues and every table.
    stack.rememberSecret(phone.slice(1));
    const reveal = (token: string, query = '?reveal=phone') =>
      stack.rest<Account & { code?: string }>(token, 'GET', `${path}${query}`);
    const reader = await stack.token('alice', 'integrations:read');
    const admin = await stack.token('ops', 'integrations:read integrations:write integrations:admin');
    const revealedBefore = async () =>
      (await stack.rest<LogEntryPage>(alice, 'GET', `/logs?resourceId=${account.id}&action=phone_revealed`))
        .body.items.length;
    expect(await revealedBefore()).toBe(0);

    // Without asking: masked, and no full number at all.
    const plain = await stack.rest<Account>(alice, 'GET', path);
    expect(plain.body.phone).toBe('+1555***0001');
    expect(plain.body).not.toHaveProperty('fullPhone');
    const shown = await reveal(alice);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: account.id, phone: '+1555***0001', fullPhone: phone });
    expect(shown.headers.get('cache-control')).toBe('no-store');
    // Reading is enough (it is the owner's own data); another user, and an admin, get the same 404.
    expect((await reveal(reader)).body.fullPhone).toBe(phone);
    expect((await reveal(mallory)).status).toBe(404);
    const byAdmin = await reveal(admin);
    expect([byAdmin.status, byAdmin.body.code]).toEqual([404, 'NOT_FOUND']);
    const adminRead = await stack.rest<Account>(admin, 'GET', path);
    expect(adminRead.status).toBe(200);
    expect(adminRead.body).not.toHaveProperty('fullPhone');
    for (const bad of ['?reveal=other', '?reveal=', '?reveal=phone&extra=1', '?unknown=1']) {
      const refused = await reveal(alice, bad);
      expect([bad, refused.status, refused.body.code]).toEqual([bad, 422, 'VALIDATION_FAILED']);
    }

    // Two numbers shown (owner, reader): two entries, naming the account and never the number.
    await waitFor('two phone_revealed entries', async () => (await revealedBefore()) === 2);
    const entries = (
      await stack.rest<LogEntryPage>(alice, 'GET', `/logs?resourceId=${account.id}&action=phone_revealed`)
    ).body.items;
    expect(entries.map((e) => [e.type, e.targetId, e.status])).toEqual([
      ['telegram_account', account.id, 'success'],
      ['telegram_account', account.id, 'success'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(phone.slice(1));

    // The row: no column holds the number in clear text; the ciphertext is bound to its row.
    const conn = await createConnection({ uri: `mysql://root@127.0.0.1:3306/${stack.accountDatabase}` });
    try {
      const [rows] = await conn.query('select * from telegram_sessions where id = ?', [account.id]);
      const row = (rows as Record<string, unknown>[])[0]!;
      for (const [column, value] of Object.entries(row))
        expect([column, String(value)]).not.toEqual([column, expect.stringContaining(phone.slice(1))]);
      expect(row['phone_hash']).toMatch(/^[0-9a-f]{64}$/);
      expect(isBound(String(row['phone_enc']))).toBe(true);
      const cipher = createCipherFromEnv(stack.botEnv);
      const owner = String(row['user_id']);
      const tg = String(row['telegram_user_id']);
      expect(
        await cipher.decrypt(KEY_NAMES.sessions, String(row['phone_enc']), phoneContext(tg, owner)),
      ).toBe(phone);
      // Not in another user's row, nor in place of the session.
      await expect(
        cipher.decrypt(KEY_NAMES.sessions, String(row['phone_enc']), phoneContext(tg, 'mallory')),
      ).rejects.toThrow();
      await expect(
        cipher.decrypt(KEY_NAMES.sessions, String(row['phone_enc']), sessionContext(tg, owner)),
      ).rejects.toThrow();

      // A number never learnt (a row from before, or a login Telegram did not tell it): null, nothing audited
      // (the label change after it is recorded, and the reveal before it would have been first).
      await conn.query(
        'update telegram_sessions set phone_enc = null, phone_key_version = null, phone_hash = null where id = ?',
        [account.id],
      );
      const unknown = await reveal(alice);
      expect([unknown.status, unknown.body.fullPhone]).toEqual([200, null]);
      await stack.rest(alice, 'PATCH', path, { label: 'Reveal marker' });
      await waitFor(
        'the label change in the activity log',
        async () =>
          (await stack.rest<LogEntryPage>(alice, 'GET', `/logs?resourceId=${account.id}&action=updated`)).body
            .items.length > 0,
      );
      expect(await revealedBefore()).toBe(2);
      await stack.rest(alice, 'PATCH', path, { label: null });
      await conn.query(
        'update telegram_sessions set phone_enc = ?, phone_key_version = ?, phone_hash = ? where id = ?',
        [row['phone_enc'], row['phone_key_version'], row['phone_hash'], account.id],
      );
      expect((await reveal(alice)).body.fullPhone).toBe(phone);
    } finally {
      await conn.end();
    }
  });

  it('connects by QR once the code is scanned, and the same Telegram user updates the same account', async () => {
    const started = await stack.rest<Flow>(alice, 'POST', '/telegram/connect', { method: 'qr' });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('awaiting_qr_scan');
    expect(started.body.qr?.url).toMatch(/^tg:\/\/login\?token=[A-Za-z0-9_-]+$/);
    expect(Date.parse(started.body.qr!.expiresAt)).toBeGreaterThan(Date.now());
    // The emulator's tokens live 7 s here; the connector exports a new one before the old one expires.
    let refreshed: Flow | undefined;
    await until(async () => {
      refreshed = (await flowOf(started.body.flowId)).body;
      return refreshed.qr !== undefined && refreshed.qr.url !== started.body.qr!.url;
    }, 200);
    expect(Date.parse(refreshed!.qr!.expiresAt)).toBeGreaterThan(Date.parse(started.body.qr!.expiresAt));
    await stack.control.scanQr({ url: refreshed!.qr!.url, phone });
    let waiting: Flow | undefined;
    await until(async () => {
      waiting = (await flowOf(started.body.flowId)).body;
      return waiting.status === 'awaiting_password';
    });
    expect(waiting?.qr).toBeUndefined();
    const done = await stack.rest<Flow>(alice, 'POST', `/telegram/connect/${started.body.flowId}/password`, {
      password: 'hunter2',
    });
    expect(done.body).toMatchObject({ status: 'active', accountId: account.id });
    const list = await stack.rest<{ items: Account[] }>(alice, 'GET', '/telegram/accounts');
    expect(list.body.items.map((a) => a.id)).toEqual([account.id]);
  });

  it('sends the code again on request: by SMS, with a new life for the flow, and only the new code works', async () => {
    const erin = '+15557000009';
    await stack.control.createUser({ phone: erin, username: 'erin_tg', firstName: 'Erin' });
    const started = await stack.rest<Flow>(alice, 'POST', '/telegram/connect', {
      method: 'code',
      phone: erin,
    });
    const { flowId } = started.body;
    const first = (await stack.control.loginCode(erin))!;
    expect((await stack.rest(mallory, 'POST', `/telegram/connect/${flowId}/resend`)).status).toBe(404);

    const resent = await stack.rest<Flow>(alice, 'POST', `/telegram/connect/${flowId}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ status: 'awaiting_code', codeType: 'sms' });
    expect(Date.parse(resent.body.expiresAt)).toBeGreaterThanOrEqual(Date.parse(started.body.expiresAt));
    const second = (await stack.control.loginCode(erin))!;
    expect(second).not.toBe(first);
    const done = await stack.rest<Flow>(alice, 'POST', `/telegram/connect/${flowId}/code`, { code: second });
    expect(done.body.status).toBe('active');
    expect((await stack.rest(alice, 'POST', `/telegram/connect/${flowId}/resend`)).status).toBe(409);
    const qr = await stack.rest<Flow>(alice, 'POST', '/telegram/connect', { method: 'qr' });
    const notACode = await stack.rest<{ code: string }>(
      alice,
      'POST',
      `/telegram/connect/${qr.body.flowId}/resend`,
    );
    expect(notACode.status).toBe(409);
    await stack.rest(alice, 'DELETE', `/telegram/connect/${qr.body.flowId}`);
    const erinAccount = (
      await stack.rest<{ items: Account[] }>(alice, 'GET', '/telegram/accounts')
    ).body.items.find((a) => a.username === 'erin_tg')!;
    expect((await stack.rest(alice, 'DELETE', `/telegram/accounts/${erinAccount.id}`)).status).toBe(204);
  });

  it('answers TELEGRAM_PHONE_INVALID, TELEGRAM_FLOOD_WAIT with retryAfter, and cancels a flow', async () => {
    const invalid = await stack.rest<{ code: string }>(alice, 'POST', '/telegram/connect', {
      method: 'code',
      phone: '+19999999999',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('TELEGRAM_PHONE_INVALID');

    // A phone with no live session, so the fault meets the login and not the connector's health sweep.
    const dave = '+15557000004';
    await stack.control.createUser({ phone: dave });
    await stack.control.addFault({ target: `user:${dave}`, kind: 'rate_limit', retryAfter: 42, count: 1 });
    const flood = await stack.rest<{ code: string; retryAfter: number }>(alice, 'POST', '/telegram/connect', {
      method: 'code',
      phone: dave,
    });
    expect(flood.status).toBe(429);
    expect(flood.body).toMatchObject({ code: 'TELEGRAM_FLOOD_WAIT', retryAfter: 42 });
    expect(flood.headers.get('retry-after')).toBe('42');

    const started = await stack.rest<Flow>(alice, 'POST', '/telegram/connect', { method: 'code', phone });
    expect((await stack.rest(alice, 'DELETE', `/telegram/connect/${started.body.flowId}`)).status).toBe(204);
    expect((await flowOf(started.body.flowId)).status).toBe(404);
  });

  it('sends as the account to a @username, and an inbound message becomes an event in the activity log', async () => {
    const bob = await stack.control.createUser({
      phone: '+15557000002',
      username: 'bob_tg',
      firstName: 'Bob',
    });
    const sent = await stack.rest<Message>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@bob_tg',
      text: 'Hello Bob, from the platform',
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'sent', telegramMessageId: '1' });
    const chat = await stack.control.messages(Number(account.telegramUserId));
    expect(chat.map((m) => m.text)).toContain('Hello Bob, from the platform');

    await stack.control.postMessage(Number(account.telegramUserId), { fromUserId: bob.id, text: 'Hi back' });
    let entries: LogEntryPage['items'] = [];
    await until(async () => {
      entries = (await stack.rest<LogEntryPage>(alice, 'GET', '/logs?limit=50')).body.items;
      return entries.some((e) => e.action === 'message_received');
    });
    const received = entries.find((e) => e.action === 'message_received')!;
    expect(received).toMatchObject({ type: 'telegram_account', status: 'info' });
    expect(entries.find((e) => e.action === 'message_sent')).toMatchObject({ type: 'telegram_account' });
  });

  it('sends again to a @username it has sent to with one MTProto call: the peer is not resolved again', async () => {
    const calls = async () => (await stack.control.mtproto()).calls ?? {};
    const before = await calls();
    const sent = await stack.rest<Message>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@bob_tg',
      text: 'Hello again, Bob',
    });
    expect(sent.body).toMatchObject({ status: 'sent' });
    const after = await calls();
    const made = (method: string) => (after[method] ?? 0) - (before[method] ?? 0);
    expect(made('messages.SendMessage')).toBe(1);
    expect(made('contacts.ResolveUsername')).toBe(0);
    expect(made('users.GetUsers')).toBe(0);
  });

  it('attaches a channel through the account when it may post, refuses one where it may not, and sends', async () => {
    const me = Number(account.telegramUserId);
    await stack.control.createChat({
      type: 'channel',
      title: 'Alice news',
      username: 'alice_news',
      members: [{ userId: me, role: 'administrator', canPost: true }],
    });
    await stack.control.createChat({
      type: 'channel',
      title: 'Read only',
      username: 'alice_readonly',
      members: [{ userId: me, role: 'member' }],
    });
    const attached = await stack.rest<Channel>(alice, 'POST', '/telegram/channels', {
      chat: '@alice_news',
      via: { type: 'account', id: account.id },
    });
    expect(attached.status).toBe(201);
    expect(attached.body).toMatchObject({
      type: 'channel',
      canPost: true,
      via: { type: 'account', id: account.id },
    });
    const refused = await stack.rest<{ code: string }>(alice, 'POST', '/telegram/channels', {
      chat: '@alice_readonly',
      via: { type: 'account', id: account.id },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('TELEGRAM_NOT_ADMIN');

    const post = await stack.rest<Message>(alice, 'POST', `/telegram/channels/${attached.body.id}/send`, {
      text: 'News through the account',
    });
    expect(post.status).toBe(200);
    expect(post.body.status).toBe('sent');
    expect((await stack.control.messages(attached.body.chatId)).map((m) => m.text)).toEqual([
      'News through the account',
    ]);
    // Counted as a channel send, like the bot connector's, not as a send to a person.
    const metrics = await (await fetch(stack.metricsUrls.at(-1)!)).text();
    expect(metrics).toMatch(
      /^telegram_messages_sent_total\{type="channel",service="connector-telegram-account"\} 1$/m,
    );
    const channels = await stack.rest<{ items: Channel[] }>(alice, 'GET', '/telegram/channels');
    expect(channels.body.items.map((c) => c.id)).toContain(attached.body.id);
  });

  it('pauses an account (client disconnected, session kept, sends refused), labels it, and resumes it without a login', async () => {
    const connections = async () => (await stack.control.mtproto()).connections ?? 0;
    const before = await connections();
    const patch = (body: unknown, token = alice, path = `/telegram/accounts/${account.id}`) =>
      stack.rest<Account & { code?: string }>(token, 'PATCH', path, body);
    // Bad patches change nothing: unknown fields, wrong types, an empty patch; another user's account is a 404.
    for (const bad of [{ isActive: 'no' }, { paused: true }, {}, { label: 'x'.repeat(101) }])
      expect((await patch(bad)).status).toBe(422);
    expect((await patch({ isActive: false }, mallory)).status).toBe(404);

    const paused = await patch({ isActive: false, label: 'Support line' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: account.id, isActive: false, label: 'Support line' });
    await until(async () => (await connections()) < before);
    const refused = await stack.rest<{ code: string }>(
      alice,
      'POST',
      `/telegram/accounts/${account.id}/send`,
      {
        to: '@bob_tg',
        text: 'while paused',
      },
    );
    expect([refused.status, refused.body.code]).toEqual([409, 'INTEGRATION_PAUSED']);
    const reconnect = await stack.rest<{ code: string }>(
      alice,
      'POST',
      `/telegram/accounts/${account.id}/reconnect`,
    );
    expect([reconnect.status, reconnect.body.code]).toEqual([409, 'INTEGRATION_PAUSED']);
    const listed = await stack.rest<{ items: Account[] }>(alice, 'GET', '/telegram/accounts?isActive=false');
    expect(listed.body.items.map((a) => a.id)).toEqual([account.id]);
    expect(
      (await stack.rest<{ items: Account[] }>(alice, 'GET', '/telegram/accounts?isActive=true')).body.items,
    ).toEqual([]);
    expect((await stack.rest(alice, 'GET', '/telegram/accounts?isActive=maybe')).status).toBe(422);

    const resumed = await patch({ isActive: true });
    expect(resumed.body).toMatchObject({ isActive: true, label: 'Support line', status: 'active' });
    const sent = await stack.rest<Message>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@bob_tg',
      text: 'after a pause',
    });
    expect(sent.body.status).toBe('sent');
    // A channel of the account pauses on its own, through the same route as a bot's.
    const channel = (await stack.rest<{ items: Channel[] }>(alice, 'GET', '/telegram/channels?isActive=true'))
      .body.items[0]!;
    const channelPath = `/telegram/channels/${channel.id}`;
    expect((await patch({ isActive: false }, alice, channelPath)).body).toMatchObject({
      isActive: false,
      via: { type: 'account', id: account.id },
    });
    const post = await stack.rest<{ code: string }>(alice, 'POST', `${channelPath}/send`, { text: 'paused' });
    expect([post.status, post.body.code]).toEqual([409, 'INTEGRATION_PAUSED']);
    expect((await patch({ isActive: true }, alice, channelPath)).body.isActive).toBe(true);
    // Paused and resumed are in the activity log like every other change.
    await until(async () => {
      const logs = await stack.rest<LogEntryPage>(alice, 'GET', `/logs?resourceId=${account.id}`);
      const actions = logs.body.items.map((entry) => entry.action);
      return actions.includes('paused') && actions.includes('resumed');
    });
  });

  it('reconnects an account on request, and lets its owner (only) remove a channel of it', async () => {
    const reconnected = await stack.rest<Account>(
      alice,
      'POST',
      `/telegram/accounts/${account.id}/reconnect`,
    );
    expect([reconnected.status, reconnected.body.status]).toEqual([200, 'active']);
    const sent = await stack.rest<Message>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@bob_tg',
      text: 'after a reconnect',
    });
    expect(sent.body.status).toBe('sent');
    expect((await stack.rest(mallory, 'POST', `/telegram/accounts/${account.id}/reconnect`)).status).toBe(
      404,
    );

    const attached = await stack.rest<Channel>(alice, 'POST', '/telegram/channels', {
      chat: '@alice_news',
      via: { type: 'account', id: account.id },
    });
    // Attached once already (the test above): a second time is a conflict, so take the existing one.
    const channel =
      attached.status === 201
        ? attached.body
        : (await stack.rest<{ items: Channel[] }>(alice, 'GET', '/telegram/channels')).body.items.find(
            (c) => c.via.type === 'account',
          )!;
    expect((await stack.rest(mallory, 'DELETE', `/telegram/channels/${channel.id}`)).status).toBe(404);
    expect((await stack.rest(alice, 'DELETE', `/telegram/channels/${channel.id}`)).status).toBe(204);
    expect((await stack.rest(alice, 'GET', `/telegram/channels/${channel.id}`)).status).toBe(404);
    const left = await stack.rest<{ items: Channel[] }>(alice, 'GET', '/telegram/channels');
    expect(left.body.items.map((c) => c.id)).not.toContain(channel.id);
    const post = await stack.rest(alice, 'POST', `/telegram/channels/${channel.id}/send`, { text: 'gone' });
    expect(post.status).toBe(404);
    // Removed here only: attaching it again works (and the tests below keep a channel of the account).
    const again = await stack.rest<Channel>(alice, 'POST', '/telegram/channels', {
      chat: '@alice_news',
      via: { type: 'account', id: account.id },
    });
    expect(again.status).toBe(201);
  });

  it('restores the session after a restart of the connector, without a new login', async () => {
    const keysBefore = (await stack.control.mtproto()) as unknown as { authKeys: number };
    await stack.restartAccounts();
    // Ready before its sessions are back (they are restored in the background): `connecting` until then.
    await waitFor('the session restored after the restart', async () => {
      const after = await stack.rest<Account>(alice, 'GET', `/telegram/accounts/${account.id}`);
      return after.body.status === 'active';
    });
    const sent = await stack.rest<Message>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@bob_tg',
      text: 'Still here after a restart',
    });
    expect(sent.body.status).toBe('sent');
    const keysAfter = (await stack.control.mtproto()) as unknown as { authKeys: number; duplicates: number };
    expect(keysAfter.authKeys).toBe(keysBefore.authKeys);
    expect(keysAfter.duplicates).toBe(0);
  });

  it('survives a dropped MTProto connection during a send: GramJS reconnects and the message arrives once', async () => {
    await stack.control.addFault({ target: `user:${phone}`, kind: 'drop', count: 1 });
    const sent = await stack.rest<Message>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
      to: '@bob_tg',
      text: 'Through a dropped connection',
    });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('sent');
    const chat = await stack.control.messages(Number(account.telegramUserId));
    expect(chat.filter((m) => m.text === 'Through a dropped connection')).toHaveLength(1);
    const stats = (await stack.control.mtproto()) as unknown as { duplicates: number };
    expect(stats.duplicates).toBe(0);
  });

  it('answers 422 for a recipient the caller got wrong: unknown @username or chat id, or one who refuses strangers', async () => {
    const send = (to: string) =>
      stack.rest<{ code: string; detail: string }>(alice, 'POST', `/telegram/accounts/${account.id}/send`, {
        to,
        text: 'Anyone there?',
      });
    const unknown = await send('@nobody_has_this');
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({
      code: 'TELEGRAM_PEER_NOT_FOUND',
      detail: 'No one on Telegram has that username.',
    });
    const unknownId = await send('987654321');
    expect(unknownId.status).toBe(422);
    expect(unknownId.body.code).toBe('TELEGRAM_PEER_NOT_FOUND');

    await stack.control.createUser({ phone: '+15557000008', username: 'very_private' });
    await stack.control.updateUser('+15557000008', { restrictsMessages: true });
    const refused = await send('@very_private');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('TELEGRAM_WRITE_FORBIDDEN');
  });

  it('notices a session Telegram ended without any send: the health sweep marks it revoked', async () => {
    const carol = '+15557000003';
    await stack.control.createUser({ phone: carol, username: 'carol_tg' });
    const started = await stack.rest<Flow>(alice, 'POST', '/telegram/connect', {
      method: 'code',
      phone: carol,
    });
    const code = (await stack.control.loginCode(carol))!;
    const done = await stack.rest<Flow>(alice, 'POST', `/telegram/connect/${started.body.flowId}/code`, {
      code,
    });
    expect(done.body.status).toBe('active');
    await stack.control.addFault({ target: `user:${carol}`, kind: 'revoke', count: 1 });
    let status = '';
    await until(async () => {
      status = (await stack.rest<Account>(alice, 'GET', `/telegram/accounts/${done.body.accountId}`)).body
        .status;
      return status === 'revoked';
    }, 100);
    let entries: LogEntryPage['items'] = [];
    await until(async () => {
      entries = (await stack.rest<LogEntryPage>(alice, 'GET', '/logs?type=telegram_account&limit=50')).body
        .items;
      return entries.some((e) => e.action === 'session_error' && e.targetId === done.body.accountId);
    }, 100);
    expect(entries.find((e) => e.action === 'session_error')).toMatchObject({ status: 'error' });
  });

  it('marks the account revoked when Telegram ends the session, and removing it logs out', async () => {
    await stack.control.addFault({ target: `user:${phone}`, kind: 'revoke', count: 1 });
    const failed = await stack.rest<{ code: string }>(
      alice,
      'POST',
      `/telegram/accounts/${account.id}/send`,
      {
        to: '@bob_tg',
        text: 'This one meets a revoked session',
      },
    );
    expect(failed.status).toBe(409);
    expect(failed.body.code).toBe('TELEGRAM_SESSION_REVOKED');
    const revoked = await stack.rest<Account>(alice, 'GET', `/telegram/accounts/${account.id}`);
    expect(revoked.body.status).toBe('revoked');

    const channelsOf = async () =>
      (
        await stack.rest<{ items: Channel[] }>(alice, 'GET', '/telegram/channels?limit=100')
      ).body.items.filter((c) => c.via.type === 'account' && c.via.id === account.id);
    const attached = await channelsOf();
    expect(attached.length).toBeGreaterThan(0);
    expect((await stack.rest(alice, 'DELETE', `/telegram/accounts/${account.id}`)).status).toBe(204);
    expect((await stack.rest(alice, 'GET', `/telegram/accounts/${account.id}`)).status).toBe(404);
    expect(await channelsOf()).toEqual([]);
    // Its channels went with it, and each says so (lists, audit and webhooks follow the removal).
    await until(async () => {
      const entries = (
        await stack.rest<LogEntryPage>(alice, 'GET', '/logs?type=telegram_channel&action=removed')
      ).body.items;
      return attached.every((c) => entries.some((e) => e.targetId === c.id));
    });
  });
});
