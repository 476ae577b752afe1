import { World } from './world';
import { WorldError } from './errors';
import { chatPeer } from './ids';

describe('World', () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });

  it('creates users, bots and resolves usernames case-insensitively', () => {
    const user = world.createUser({ phone: '+7 999 123-45-67', username: 'Alice_1', password: 'pw' });
    expect(user.phone).toBe('+79991234567');
    expect(world.findUserByPhone('79991234567')).toBe(user);
    const bot = world.createBot({ username: 'helper_bot' });
    expect(bot.token).toMatch(/^\d+:[A-Za-z0-9_-]{35}$/);
    expect(world.findBotByToken(bot.token)).toBe(bot);
    expect(world.resolveUsername('@alice_1')).toEqual({ kind: 'user', user });
    expect(world.resolveUsername('HELPER_BOT')).toEqual({ kind: 'bot', bot });
  });

  it('rejects bad or duplicate input without changing anything', () => {
    world.createUser({ phone: '+15550001111', username: 'taken_name' });
    expect(() => world.createUser({ phone: 'abc' })).toThrow(WorldError);
    expect(() => world.createUser({ phone: '+15550001111' })).toThrow(/exists/);
    expect(() => world.createUser({ phone: '+15550002222', username: 'TAKEN_name' })).toThrow(/taken/);
    expect(() => world.createBot({ username: 'notabotname' })).toThrow(/end in "bot"/);
    expect(world.listUsers()).toHaveLength(1);
    expect(world.listBots()).toHaveLength(0);
  });

  it('gives groups -<n> and channels -100<n> ids and maps them to MTProto peers', () => {
    const group = world.createChat({ type: 'group', members: [] });
    const channel = world.createChat({ type: 'channel', username: 'news_room', members: [] });
    expect(group.id).toMatch(/^-\d+$/);
    expect(channel.id).toMatch(/^-100\d+$/);
    expect(chatPeer(group)).toEqual({ kind: 'chat', id: -Number(group.id) });
    expect(chatPeer(channel).kind).toBe('channel');
    expect(world.getChat('@news_room')).toBe(channel);
  });

  it('validates members: unknown participant, bad role, two creators', () => {
    const bot = world.createBot();
    expect(() =>
      world.createChat({ type: 'channel', members: [{ ref: { type: 'bot', id: 1 }, role: 'member' }] }),
    ).toThrow(/not found/);
    expect(() =>
      world.createChat({
        type: 'channel',
        members: [{ ref: { type: 'bot', id: bot.id }, role: 'owner' as never }],
      }),
    ).toThrow(/role must be/);
    expect(world.listChats()).toHaveLength(0);
  });

  it('defaults post rights: channel admins post, channel members do not, group members do', () => {
    const admin = world.createBot();
    const member = world.createBot();
    const channel = world.createChat({
      type: 'channel',
      members: [
        { ref: { type: 'bot', id: admin.id }, role: 'administrator' },
        { ref: { type: 'bot', id: member.id }, role: 'member' },
      ],
    });
    expect(world.getMember(channel, { type: 'bot', id: admin.id })?.canPost).toBe(true);
    expect(world.getMember(channel, { type: 'bot', id: member.id })?.canPost).toBe(false);
    const group = world.createChat({
      type: 'group',
      members: [{ ref: { type: 'bot', id: member.id }, role: 'member' }],
    });
    expect(world.getMember(group, { type: 'bot', id: member.id })?.canPost).toBe(true);
  });

  it('keeps one private chat per pair, with the user id as its id', () => {
    const user = world.createUser({ phone: '+15550003333' });
    const botA = world.createBot();
    const botB = world.createBot();
    const a = world.privateChat({ type: 'user', id: user.id }, { type: 'bot', id: botA.id }, true)!;
    const b = world.privateChat({ type: 'bot', id: botB.id }, { type: 'user', id: user.id }, true)!;
    expect(a.id).toBe(String(user.id));
    expect(b.id).toBe(String(user.id));
    expect(a).not.toBe(b);
    expect(world.privateChat({ type: 'bot', id: botA.id }, { type: 'user', id: user.id })).toBe(a);
    expect(world.getChat(String(user.id))).toBeUndefined(); // ambiguous
  });

  it('numbers messages per chat and emits them', () => {
    const chat = world.createChat({ type: 'group', members: [] });
    const seen: number[] = [];
    world.on('message', ({ message }) => seen.push(message.messageId));
    const first = world.postMessage(chat, { type: 'user', id: 1 }, { text: 'a' });
    world.postMessage(chat, { type: 'user', id: 1 }, { text: 'b' });
    expect(seen).toEqual([1, 2]);
    expect(world.findMessage(chat, 1)).toBe(first);
    expect(world.findMessage(chat, 3)).toBeUndefined();
  });

  it('records login codes and approves QR tokens with an event', () => {
    const user = world.createUser({ phone: '+15550004444' });
    world.recordLoginCode('+15550004444', '12345');
    expect(world.lastLoginCode('15550004444')).toBe('12345');
    world.registerQrToken('tok', 'key1');
    const approved = jest.fn();
    world.on('qrApproved', approved);
    world.approveQr('tok', user.phone);
    expect(approved).toHaveBeenCalledWith({ token: 'tok', authKeyId: 'key1', user });
    expect(() => world.approveQr('nope', user.phone)).toThrow(/not found/);
  });

  it('consumes counted faults and keeps uncounted ones', () => {
    world.faults.add({ target: 'bot:1', kind: 'rate_limit', retryAfter: 2, count: 1 });
    world.faults.add({ target: '*', kind: 'latency', ms: 5 });
    expect(world.faults.take('bot:1').map((f) => f.kind)).toEqual(['rate_limit', 'latency']);
    expect(world.faults.take('bot:1').map((f) => f.kind)).toEqual(['latency']);
    expect(() => world.faults.add({ target: 'nobody', kind: 'drop' })).toThrow(/target/);
  });

  it('applies flood windows and validates limit changes', () => {
    const rule = { count: 2, windowMs: 1000 };
    expect(world.flood.hit('k', rule, 0)).toBe(0);
    expect(world.flood.hit('k', rule, 100)).toBe(0);
    expect(world.flood.hit('k', rule, 200)).toBe(800);
    expect(world.flood.hit('k', rule, 1001)).toBe(0);
    expect(() => world.setLimits({ perBot: { count: -1, windowMs: 1 } })).toThrow(/non-negative/);
    expect(world.limits.perBot.count).toBe(30);
  });

  it('reset forgets everything but never reuses ids', () => {
    const bot = world.createBot();
    world.reset();
    expect(world.findBotByToken(bot.token)).toBeUndefined();
    expect(world.createBot().id).toBeGreaterThan(bot.id);
  });
});
