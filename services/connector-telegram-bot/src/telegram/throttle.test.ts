import { BotThrottle, SlidingWindow } from './throttle';

describe('SlidingWindow', () => {
  it('allows count events per window and says how long to wait for the next', () => {
    const window = new SlidingWindow({ count: 2, windowMs: 1000 });
    window.take(0);
    expect(window.wait(10)).toBe(0);
    window.take(10);
    expect(window.wait(500)).toBe(500);
    expect(window.wait(999)).toBe(1);
    expect(window.wait(1000)).toBe(0);
  });
});

describe('BotThrottle', () => {
  let now = 0;
  beforeEach(() => {
    jest.useFakeTimers();
    now = 0;
  });
  afterEach(() => jest.useRealTimers());

  const advance = async (ms: number) => {
    now += ms;
    await jest.advanceTimersByTimeAsync(ms);
  };

  it('queues a burst to one group and releases it at the group rate, in order', async () => {
    const throttle = new BotThrottle(
      { perBot: { count: 30, windowMs: 1000 }, perChatMinMs: 1000, perGroup: { count: 3, windowMs: 60_000 } },
      () => now,
    );
    const started: number[] = [];
    const done = Array.from({ length: 7 }, (_, i) =>
      throttle.run('-100500', async () => void started.push(i)),
    );
    await advance(0);
    expect(started).toEqual([0, 1, 2]);
    expect(throttle.queued).toBe(4);
    await advance(59_999);
    expect(started).toEqual([0, 1, 2]);
    await advance(1);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    await advance(60_000);
    await Promise.all(done);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('spaces a private chat and shares the bot-wide limit between chats', async () => {
    const throttle = new BotThrottle(
      { perBot: { count: 2, windowMs: 1000 }, perChatMinMs: 1000, perGroup: { count: 20, windowMs: 60_000 } },
      () => now,
    );
    const started: string[] = [];
    const run = (chat: string, tag: string) => throttle.run(chat, async () => void started.push(tag));
    void run('42', 'a1');
    void run('42', 'a2');
    void run('43', 'b1');
    void run('44', 'c1');
    await advance(0);
    expect(started).toEqual(['a1', 'b1']);
    await advance(1000);
    expect(started.sort()).toEqual(['a1', 'a2', 'b1', 'c1']);
  });

  it('passes a failure to its caller and keeps going', async () => {
    const throttle = new BotThrottle(
      { perBot: { count: 30, windowMs: 1000 }, perChatMinMs: 0, perGroup: { count: 20, windowMs: 60_000 } },
      () => now,
    );
    const failing = throttle.run('7', async () => {
      throw new Error('boom');
    });
    const next = throttle.run('7', async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
