import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import type { TelegramCalls } from '../telegram/telegram-calls';
import { AccountSender } from './account-sender';
import { loadConfig } from '../config';

/** Telegram as a fake client: each send takes `latencyMs` of (fake) time; records when each arrived and ended. */
function fakeTelegram(latencyMs: number) {
  const arrived: number[] = [];
  const answered: number[] = [];
  const client = {
    getInputEntity: async () => new Api.InputPeerUser({ userId: bigInt(42), accessHash: bigInt(7) }),
    invoke: async () => {
      arrived.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      answered.push(Date.now());
      return new Api.UpdateShortSentMessage({
        out: true,
        id: arrived.length,
        pts: 1,
        ptsCount: 1,
        date: Math.floor(Date.now() / 1000),
      });
    },
  } as unknown as TelegramClient;
  return { client, arrived, answered };
}

/** The connector's bounded calls without the breakers: the call runs as is. */
const calls = { run: (_id: string, call: () => Promise<unknown>) => call(), forget: () => undefined };

describe('AccountSender spacing', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it("counts the interval from Telegram's answer, so a slow answer cannot bring two sends closer", async () => {
    const telegram = fakeTelegram(300);
    const sender = new AccountSender({ intervalMs: 1100, calls: calls as unknown as TelegramCalls });
    const sends = ['m1', 'm2', 'm3'].map((id) =>
      sender.send('account-1', async () => telegram.client, '@peer', id, { text: id }),
    );
    await jest.advanceTimersByTimeAsync(10_000);
    await Promise.all(sends);

    expect(telegram.arrived).toHaveLength(3);
    const gaps = telegram.arrived.slice(1).map((at, i) => at - telegram.answered[i]!);
    expect(gaps).toEqual([1100, 1100]);
  });

  it("leaves a margin over Telegram's 1 message/s per private chat by default", () => {
    expect(loadConfig({}).sendIntervalMs).toBeGreaterThan(1000);
  });
});
