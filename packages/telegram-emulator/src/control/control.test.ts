import { EmulatorClient, EmulatorControlError, startEmulator, type Emulator } from '..';

describe('control API', () => {
  let emu: Emulator;
  let control: EmulatorClient;

  beforeAll(async () => {
    emu = await startEmulator({ limits: { enabled: false } });
    control = new EmulatorClient(emu.url);
  });
  afterAll(() => emu.stop());
  beforeEach(() => control.reset());

  const raw = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${emu.url}/_emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
    };
  };
  const snapshot = async () => ({
    chats: await raw('GET', '/chats'),
    users: await raw('GET', '/users'),
    bots: await raw('GET', '/bots'),
  });

  it('answers health and creates bots and users', async () => {
    expect(await raw('GET', '/health')).toEqual({ status: 200, body: { ok: true } });
    const bot = await control.createBot({ username: 'ctl_test_bot' });
    expect(bot).toMatchObject({ id: expect.any(Number), username: 'ctl_test_bot' });
    expect(bot.token.startsWith(`${bot.id}:`)).toBe(true);
    const user = await control.createUser({
      phone: '+7 999 000-11-22',
      username: 'ctl_user',
      password: 'secret',
    });
    expect(user).toMatchObject({ phone: '+79990001122', username: 'ctl_user' });
    const users = (await raw('GET', '/users')).body as unknown as Array<Record<string, unknown>>;
    expect(users[0]).toMatchObject({ hasPassword: true });
    expect(JSON.stringify(users)).not.toContain('secret');
  });

  it('creates chats with roles and post rights, and posts inbound messages', async () => {
    const bot = await control.createBot();
    const user = await control.createUser({ phone: '+15550400001' });
    const chat = await control.createChat({
      type: 'channel',
      title: 'Ch',
      username: 'ctl_channel',
      members: [
        { userId: user.id, role: 'creator' },
        { botId: String(bot.id), role: 'administrator', canPost: false },
      ],
    });
    expect(chat.id).toMatch(/^-100\d+$/);
    expect(chat.username).toBe('ctl_channel');
    const details = (await raw('GET', `/chats/${chat.id}`)).body!;
    expect(details.members).toEqual([
      { userId: user.id, role: 'creator', canPost: true },
      { botId: bot.id, role: 'administrator', canPost: false },
    ]);
    const posted = await control.postMessage('@ctl_channel', { fromUserId: user.id, text: 'hello' });
    expect(posted).toMatchObject({ messageId: 1, chatId: chat.id, from: { type: 'user', id: user.id } });
    expect(await control.messages(chat.id)).toEqual([
      { messageId: 1, from: { type: 'user', id: user.id }, text: 'hello', date: expect.any(Number) },
    ]);
  });

  it('opens a private chat when a user writes to a bot by its id', async () => {
    const bot = await control.createBot();
    const user = await control.createUser({ phone: '+15550400002' });
    const posted = await control.postMessage(bot.id, { fromUserId: user.id, text: '/start' });
    expect(posted.chatId).toBe(String(user.id));
    expect((await control.messages(user.id)).map((m) => m.text)).toEqual(['/start']);
    const other = await control.createBot();
    await control.postMessage(other.id, { fromUserId: user.id, text: 'hi other' });
    const ambiguous = await raw('GET', `/chats/${user.id}/messages`);
    expect(ambiguous.status).toBe(400);
    expect((await control.messages(user.id, other.id)).map((m) => m.text)).toEqual(['hi other']);
  });

  it('rejects bad input with a clear 4xx and changes nothing', async () => {
    const bot = await control.createBot();
    const user = await control.createUser({ phone: '+15550400003' });
    const before = await snapshot();
    const cases: Array<[string, string, string | undefined, number, RegExp]> = [
      ['POST', '/chats', '{"type":"channel",', 400, /not valid JSON/],
      ['POST', '/chats', '[]', 400, /JSON object/],
      ['POST', '/chats', JSON.stringify({ title: 'no type' }), 400, /type is required/],
      ['POST', '/chats', JSON.stringify({ type: 'forum', members: [] }), 400, /type must be one of/],
      [
        'POST',
        '/chats',
        JSON.stringify({ type: 'group', members: [{ botId: bot.id, role: 'owner' }] }),
        400,
        /role must be/,
      ],
      [
        'POST',
        '/chats',
        JSON.stringify({ type: 'group', members: [{ botId: 999, role: 'member' }] }),
        404,
        /not found/,
      ],
      [
        'POST',
        '/chats',
        JSON.stringify({ type: 'group', members: [{ role: 'member' }] }),
        400,
        /userId, botId/,
      ],
      [
        'POST',
        '/chats',
        JSON.stringify({ type: 'group', members: [], colour: 'red' }),
        400,
        /unknown field "colour"/,
      ],
      ['POST', '/users', JSON.stringify({ firstName: 'no phone' }), 400, /phone is required/],
      ['POST', '/users', JSON.stringify({ phone: '+15550400003' }), 409, /exists/],
      ['POST', '/bots', JSON.stringify({ username: 'x' }), 400, /username/],
      [
        'POST',
        '/chats/-100123/messages',
        JSON.stringify({ fromUserId: user.id, text: 'x' }),
        404,
        /chat not found/,
      ],
      ['POST', `/chats/${bot.id}/messages`, JSON.stringify({ text: 'x' }), 400, /fromUserId/],
      ['GET', '/chats/-100123/messages', undefined, 404, /chat not found/],
      ['POST', '/faults', JSON.stringify({ target: 'bot:1', kind: 'meteor' }), 400, /kind must be/],
      ['POST', '/faults', JSON.stringify({ target: 'everyone', kind: 'drop' }), 400, /target/],
      ['PUT', '/limits', JSON.stringify({ perBot: { count: 'many' } }), 400, /non-negative/],
      ['POST', '/qr/scan', JSON.stringify({ token: 'nope', phone: '+15550400003' }), 404, /QR/],
      ['GET', '/users/+15550400003/code', undefined, 404, /login code/],
      ['GET', '/nothing-here', undefined, 404, /no route/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const answer = await raw(method, path, body);
      expect({ path, body, status: answer.status }).toEqual({ path, body, status });
      expect(String(answer.body?.error)).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
    expect(await control.faults()).toEqual([]);
    expect((await control.limits()).enabled).toBe(false);
  });

  it('rejects a post by a non-member or a member without post rights', async () => {
    const user = await control.createUser({ phone: '+15550400004' });
    const stranger = await control.createUser({ phone: '+15550400005' });
    const chat = await control.createChat({
      type: 'channel',
      members: [{ userId: user.id, role: 'member' }],
    });
    for (const fromUserId of [user.id, stranger.id]) {
      const error = await control.postMessage(chat.id, { fromUserId, text: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmulatorControlError);
      expect((error as EmulatorControlError).status).toBe(400);
    }
    expect(await control.messages(chat.id)).toEqual([]);
  });

  it('reads login codes and approves QR logins', async () => {
    const user = await control.createUser({ phone: '+15550400006' });
    expect(await control.loginCode(user.phone)).toBeUndefined();
    emu.world.recordLoginCode(user.phone, '24680');
    expect(await control.loginCode(user.phone)).toBe('24680');
    emu.world.registerQrToken('AbC_-12', 'authkey1');
    const approvals: number[] = [];
    emu.world.on('qrApproved', ({ user: u }) => approvals.push(u.id));
    await control.scanQr({ url: 'tg://login?token=AbC_-12', phone: user.phone });
    expect(approvals).toEqual([user.id]);
    expect(
      (await raw('POST', '/qr/scan', JSON.stringify({ url: 'https://x', phone: user.phone }))).status,
    ).toBe(400);
  });

  it('sets and lists faults and limits, and reset clears everything', async () => {
    await control.addFault({ target: 'user:15550400007', kind: 'rate_limit', retryAfter: 3, count: 2 });
    expect(await control.faults()).toEqual([
      expect.objectContaining({
        target: 'user:+15550400007',
        kind: 'rate_limit',
        retryAfter: 3,
        remaining: 2,
      }),
    ]);
    expect(emu.world.faults.take('user:+15550400007')).toHaveLength(1);
    const limits = await control.setLimits({
      perGroup: { count: 5, windowMs: 1000 },
      retryAfterSeconds: 0.5,
    });
    expect(limits).toMatchObject({ perGroup: { count: 5, windowMs: 1000 }, retryAfterSeconds: 0.5 });
    await control.createBot();
    await control.reset();
    expect(await control.faults()).toEqual([]);
    expect((await raw('GET', '/bots')).body).toEqual([]);
    expect((await control.limits()).perGroup).toEqual({ count: 20, windowMs: 60_000 });
  });

  it('answers 404 for /mtproto while no MTProto server runs', async () => {
    const emuWithout = await startEmulator({ mtprotoPort: false });
    try {
      const res = await fetch(`${emuWithout.url}/_emulator/mtproto`);
      expect(res.status).toBe(404);
    } finally {
      await emuWithout.stop();
    }
  });

  it('starts an MTProto server through the hook, reports it and stops it', async () => {
    const stop = jest.fn();
    const info = { host: '127.0.0.1', port: 1234, dcId: 2, rsaPublicKeyPem: 'PEM', fingerprint: 'f' };
    const started: unknown[] = [];
    const withMtproto = await startEmulator({
      mtprotoPort: 0,
      startMtproto: ({ world, port }) => {
        started.push([world, port]);
        return { port: 1234, stop, info: () => info };
      },
    });
    try {
      expect(started).toEqual([[withMtproto.world, 0]]);
      expect(await new EmulatorClient(withMtproto.url).mtproto()).toEqual(info);
    } finally {
      await withMtproto.stop();
    }
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('refuses a non-loopback host unless allowed', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/EMULATOR_ALLOW_REMOTE/);
  });
});
