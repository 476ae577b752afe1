import { Bot, GrammyError } from 'grammy';
import { EmulatorClient, startEmulator, type Emulator } from '..';

describe('Bot API through grammY: sending and reading chats', () => {
  let emu: Emulator;
  let control: EmulatorClient;
  let bot: Bot;
  let botId: number;
  let userId: number;

  beforeAll(async () => {
    emu = await startEmulator({ limits: { enabled: false }, mtprotoPort: false });
    control = new EmulatorClient(emu.url);
  });
  afterAll(() => emu.stop());

  beforeEach(async () => {
    await control.reset();
    await control.setLimits({ enabled: false });
    const created = await control.createBot({ username: 'sender_test_bot', firstName: 'Sender' });
    botId = created.id;
    bot = new Bot(created.token, { client: { apiRoot: emu.url } });
    userId = (await control.createUser({ phone: '+15550100001', username: 'alice_user', firstName: 'Alice' }))
      .id;
  });

  const errorOf = async (promise: Promise<unknown>): Promise<GrammyError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof GrammyError) return error;
      throw error;
    }
    throw new Error('expected the call to fail');
  };

  it('answers getMe with the bot', async () => {
    const me = await bot.api.getMe();
    expect(me).toMatchObject({ id: botId, is_bot: true, username: 'sender_test_bot', first_name: 'Sender' });
    await bot.init();
    expect(bot.botInfo.id).toBe(botId);
  });

  it('sends to a channel the bot administers, with HTML entities, and stores it', async () => {
    const channel = await control.createChat({
      type: 'channel',
      title: 'News',
      username: 'news_channel',
      members: [{ botId, role: 'administrator', canPost: true }],
    });
    const sent = await bot.api.sendMessage(
      '@news_channel',
      '<b>Hello</b> &amp; <a href="https://e.x">link</a>',
      {
        parse_mode: 'HTML',
        disable_notification: true,
      },
    );
    expect(sent.chat).toMatchObject({ id: Number(channel.id), type: 'channel', title: 'News' });
    expect(sent.text).toBe('Hello & link');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 5 },
      { type: 'text_link', offset: 8, length: 4, url: 'https://e.x' },
    ]);
    expect(sent.sender_chat?.id).toBe(Number(channel.id));
    const stored = await control.messages(channel.id);
    expect(stored).toEqual([
      expect.objectContaining({
        messageId: sent.message_id,
        from: { type: 'bot', id: botId },
        text: 'Hello & link',
      }),
    ]);
  });

  it('replies with reply_to_message_id and reply_parameters', async () => {
    const group = await control.createChat({
      type: 'group',
      members: [
        { botId, role: 'member' },
        { userId, role: 'member' },
      ],
    });
    const first = await bot.api.sendMessage(group.id, 'first');
    const reply = await bot.api.sendMessage(group.id, 'second', {
      reply_parameters: { message_id: first.message_id },
    });
    expect(reply.reply_to_message?.message_id).toBe(first.message_id);
    const legacy = await bot.api.sendMessage(group.id, 'third', {
      reply_to_message_id: first.message_id,
    } as never);
    expect(legacy.reply_to_message?.text).toBe('first');
    const missing = await errorOf(
      bot.api.sendMessage(group.id, 'x', { reply_parameters: { message_id: 999 } }),
    );
    expect(missing.description).toBe('Bad Request: message to be replied not found');
    const allowed = await bot.api.sendMessage(group.id, 'x', {
      reply_parameters: { message_id: 999, allow_sending_without_reply: true },
    });
    expect(allowed.reply_to_message).toBeUndefined();
  });

  it('answers 401 for an unknown token', async () => {
    const stranger = new Bot('7999999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', {
      client: { apiRoot: emu.url },
    });
    const error = await errorOf(stranger.api.getMe());
    expect(error.error_code).toBe(401);
    expect(error.description).toBe('Unauthorized');
  });

  it('answers 400 chat not found for unknown chats', async () => {
    for (const chat of ['-1009999999', '@nobody_here', '@alice_user', '123']) {
      const error = await errorOf(bot.api.sendMessage(chat, 'hi'));
      expect(error.error_code).toBe(400);
      expect(error.description).toBe('Bad Request: chat not found');
    }
  });

  it('answers 403 when the bot may not post', async () => {
    const other = (await control.createBot()).id;
    const notMember = await control.createChat({
      type: 'channel',
      members: [{ botId: other, role: 'creator' }],
    });
    const kicked = await control.createChat({ type: 'supergroup', members: [{ botId, role: 'kicked' }] });
    const noRights = await control.createChat({ type: 'channel', members: [{ botId, role: 'member' }] });
    const adminNoPost = await control.createChat({
      type: 'channel',
      members: [{ botId, role: 'administrator', canPost: false }],
    });
    const cases: Array<[string, string]> = [
      [notMember.id, 'Forbidden: bot is not a member of the channel chat'],
      [kicked.id, 'Forbidden: bot was kicked from the supergroup chat'],
      [noRights.id, 'Forbidden: need administrator rights in the channel chat'],
      [adminNoPost.id, 'Forbidden: need administrator rights in the channel chat'],
      [String(userId), "Forbidden: bot can't initiate conversation with a user"],
    ];
    for (const [chat, description] of cases) {
      const error = await errorOf(bot.api.sendMessage(chat, 'hi'));
      expect({ code: error.error_code, description: error.description }).toEqual({ code: 403, description });
    }
    expect(await control.messages(notMember.id)).toEqual([]);
  });

  it('answers 403 when the user blocked the bot, and sends once they unblock it', async () => {
    const chat = await control.createChat({
      type: 'private',
      members: [
        { userId, role: 'member' },
        { botId, role: 'kicked' },
      ],
    });
    expect(chat.id).toBe(String(userId));
    const error = await errorOf(bot.api.sendMessage(userId, 'hi'));
    expect(error.description).toBe('Forbidden: bot was blocked by the user');
    await control.setMember(String(userId), { botId, role: 'member' });
    const sent = await bot.api.sendMessage(userId, 'hi');
    expect(sent.chat).toMatchObject({
      id: userId,
      type: 'private',
      first_name: 'Alice',
      username: 'alice_user',
    });
  });

  it('rejects empty and too long texts', async () => {
    const group = await control.createChat({ type: 'group', members: [{ botId, role: 'member' }] });
    const tooLong = await errorOf(bot.api.sendMessage(group.id, 'x'.repeat(4097)));
    expect([tooLong.error_code, tooLong.description]).toEqual([400, 'Bad Request: message is too long']);
    const empty = await errorOf(bot.api.sendMessage(group.id, ''));
    expect([empty.error_code, empty.description]).toEqual([400, 'Bad Request: message text is empty']);
    await bot.api.sendMessage(group.id, 'x'.repeat(4096));
    expect(await control.messages(group.id)).toHaveLength(1);
  });

  it("rejects broken markup with Telegram's can't parse entities", async () => {
    const group = await control.createChat({ type: 'group', members: [{ botId, role: 'member' }] });
    const html = await errorOf(bot.api.sendMessage(group.id, '<b>bold', { parse_mode: 'HTML' }));
    expect(html.description).toBe(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    const unsupported = await errorOf(
      bot.api.sendMessage(group.id, 'a <blink>b</blink>', { parse_mode: 'HTML' }),
    );
    expect(unsupported.description).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "blink" at byte offset 2`,
    );
    const md = await errorOf(bot.api.sendMessage(group.id, 'Price: 5.00', { parse_mode: 'MarkdownV2' }));
    expect(md.description).toBe(
      `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'`,
    );
    const ok = await bot.api.sendMessage(group.id, '*bold* \\.', { parse_mode: 'MarkdownV2' });
    expect(ok).toMatchObject({ text: 'bold .', entities: [{ type: 'bold', offset: 0, length: 4 }] });
    expect(await control.messages(group.id)).toHaveLength(1);
  });

  it('keeps explicit entities instead of a parse mode, and rejects ones outside the text', async () => {
    const group = await control.createChat({ type: 'group', members: [{ botId, role: 'member' }] });
    const sent = await bot.api.sendMessage(group.id, 'plain bold', {
      entities: [{ type: 'bold', offset: 6, length: 4 }],
    });
    expect(sent.entities).toEqual([{ type: 'bold', offset: 6, length: 4 }]);
    const error = await errorOf(
      bot.api.sendMessage(group.id, 'short', { entities: [{ type: 'bold', offset: 3, length: 9 }] }),
    );
    expect(error.error_code).toBe(400);
    expect(await control.messages(group.id)).toHaveLength(1);
  });

  it('answers getChat by id and @username, getChatMember and getChatAdministrators', async () => {
    const channel = await control.createChat({
      type: 'channel',
      title: 'Board',
      username: 'board_room',
      members: [
        { userId, role: 'creator' },
        { botId, role: 'administrator', canPost: true },
      ],
    });
    const byName = await bot.api.getChat('@board_room');
    expect(byName).toMatchObject({
      id: Number(channel.id),
      type: 'channel',
      title: 'Board',
      username: 'board_room',
    });
    expect((await bot.api.getChat(channel.id)).id).toBe(Number(channel.id));
    const me = await bot.api.getChatMember(channel.id, botId);
    expect(me).toMatchObject({
      status: 'administrator',
      can_post_messages: true,
      user: { id: botId, is_bot: true },
    });
    const owner = await bot.api.getChatMember(channel.id, userId);
    expect(owner).toMatchObject({ status: 'creator', user: { id: userId, is_bot: false } });
    const admins = await bot.api.getChatAdministrators(channel.id);
    expect(admins.map((a) => a.status).sort()).toEqual(['administrator', 'creator']);
    const outsider = await control.createUser({ phone: '+15550100002' });
    expect((await bot.api.getChatMember(channel.id, outsider.id)).status).toBe('left');
    const hidden = await control.createChat({ type: 'group', members: [] });
    expect((await errorOf(bot.api.getChat(hidden.id))).description).toBe('Bad Request: chat not found');
  });

  it('takes urlencoded, multipart and query-string parameters; unknown methods are 404', async () => {
    const group = await control.createChat({ type: 'group', members: [{ botId, role: 'member' }] });
    const token = bot.token;
    const form = await fetch(`${emu.url}/bot${token}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: group.id, text: 'form' }),
    });
    expect(await form.json()).toMatchObject({ ok: true, result: { text: 'form' } });
    const multipart = new FormData();
    multipart.set('chat_id', group.id);
    multipart.set('text', 'multipart');
    const mp = await fetch(`${emu.url}/bot${token}/sendMessage`, { method: 'POST', body: multipart });
    expect(await mp.json()).toMatchObject({ ok: true, result: { text: 'multipart' } });
    const get = await fetch(`${emu.url}/bot${token}/SENDMESSAGE?chat_id=${group.id}&text=query`);
    expect(await get.json()).toMatchObject({ ok: true, result: { text: 'query' } });
    const unknown = await fetch(`${emu.url}/bot${token}/sendTelepathy`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    const badJson = await fetch(`${emu.url}/bot${token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(badJson.status).toBe(400);
    expect((await control.messages(group.id)).map((m) => m.text)).toEqual(['form', 'multipart', 'query']);
  });
});
