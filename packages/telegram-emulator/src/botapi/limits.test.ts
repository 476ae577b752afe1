import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, HttpError } from 'grammy';
import { EmulatorClient, startEmulator, type Emulator } from '..';

describe('Bot API through grammY: flood limits and faults', () => {
  let emu: Emulator;
  let control: EmulatorClient;
  let token: string;
  let botId: number;
  let userId: number;
  let group: string;

  const plainBot = (): Bot => new Bot(token, { client: { apiRoot: emu.url } });
  const retryingBot = (): Bot => {
    const bot = plainBot();
    bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 5, rethrowHttpErrors: true }));
    return bot;
  };
  const failure = async (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => 'no error',
      (e: unknown) => e,
    );

  beforeAll(async () => {
    emu = await startEmulator({ mtprotoPort: false });
    control = new EmulatorClient(emu.url);
  });
  afterAll(() => emu.stop());

  beforeEach(async () => {
    await control.reset();
    const created = await control.createBot();
    token = created.token;
    botId = created.id;
    userId = (await control.createUser({ phone: '+15550300001' })).id;
    await control.createChat({
      type: 'private',
      members: [
        { userId, role: 'member' },
        { botId, role: 'member' },
      ],
    });
    group = (await control.createChat({ type: 'group', members: [{ botId, role: 'member' }] })).id;
  });

  it('limits a private chat to one message per second with 429 and retry_after', async () => {
    const bot = plainBot();
    await bot.api.sendMessage(userId, 'first');
    const error = await failure(bot.api.sendMessage(userId, 'second'));
    expect(error).toBeInstanceOf(GrammyError);
    const e = error as GrammyError;
    expect(e.error_code).toBe(429);
    expect(e.description).toBe('Too Many Requests: retry after 1');
    expect(e.parameters.retry_after).toBe(1);
    // Another chat is not limited by this one.
    await bot.api.sendMessage(group, 'elsewhere');
    expect(await control.messages(userId)).toHaveLength(1);
  });

  it('limits a group and a bot as configured', async () => {
    await control.setLimits({
      perGroup: { count: 2, windowMs: 60_000 },
      perBot: { count: 3, windowMs: 60_000 },
    });
    const bot = plainBot();
    await bot.api.sendMessage(group, '1');
    await bot.api.sendMessage(group, '2');
    const perGroup = (await failure(bot.api.sendMessage(group, '3'))) as GrammyError;
    expect(perGroup.error_code).toBe(429);
    expect(perGroup.parameters.retry_after).toBeGreaterThan(1);
    await bot.api.sendMessage(userId, 'fits the bot budget');
    const perBot = (await failure(bot.api.sendMessage(userId, 'over the bot budget'))) as GrammyError;
    expect(perBot.error_code).toBe(429);
  });

  it('auto-retry waits retry_after and gets the message through', async () => {
    await control.setLimits({ perPrivateChat: { count: 1, windowMs: 100 }, retryAfterSeconds: 0.1 });
    const bot = retryingBot();
    await bot.api.sendMessage(userId, 'a');
    await bot.api.sendMessage(userId, 'b');
    await bot.api.sendMessage(userId, 'c');
    expect((await control.messages(userId)).map((m) => m.text)).toEqual(['a', 'b', 'c']);
  });

  it('turns limits off', async () => {
    await control.setLimits({ enabled: false });
    const bot = plainBot();
    for (let i = 0; i < 5; i += 1) await bot.api.sendMessage(userId, `m${i}`);
    expect(await control.messages(userId)).toHaveLength(5);
  });

  it('injects a rate_limit fault that auto-retry rides out, once', async () => {
    await control.addFault({ target: `bot:${botId}`, kind: 'rate_limit', retryAfter: 0.05, count: 1 });
    const plain = (await failure(plainBot().api.getMe())) as GrammyError;
    expect([plain.error_code, plain.parameters.retry_after]).toEqual([429, 0.05]);
    await control.addFault({ target: `bot:${botId}`, kind: 'rate_limit', retryAfter: 0.05, count: 2 });
    const me = await retryingBot().api.getMe();
    expect(me.id).toBe(botId);
    expect(await control.faults()).toEqual([]);
  });

  it('injects error answers, dropped connections and latency', async () => {
    await control.addFault({ target: '*', kind: 'error', status: 502, message: 'Bad Gateway', count: 1 });
    const error = (await failure(plainBot().api.getMe())) as GrammyError;
    expect([error.error_code, error.description]).toEqual([502, 'Bad Gateway']);

    await control.addFault({ target: `bot:${botId}`, kind: 'drop', count: 1 });
    expect(await failure(plainBot().api.getMe())).toBeInstanceOf(HttpError);

    await control.addFault({ target: `bot:${botId}`, kind: 'latency', ms: 30, count: 1 });
    expect((await plainBot().api.getMe()).id).toBe(botId);
    expect(await control.faults()).toEqual([]);
  });

  it('a fault for another bot does not touch this one', async () => {
    const other = await control.createBot();
    await control.addFault({ target: `bot:${other.id}`, kind: 'error' });
    expect((await plainBot().api.getMe()).id).toBe(botId);
    await control.clearFaults();
    expect(await control.faults()).toEqual([]);
  });

  it('revokes a token: 401 from then on', async () => {
    await control.addFault({ target: `bot:${botId}`, kind: 'revoke', count: 1 });
    const bot = plainBot();
    expect(((await failure(bot.api.getMe())) as GrammyError).error_code).toBe(401);
    expect(((await failure(bot.api.getMe())) as GrammyError).error_code).toBe(401);
  });
});
