import { PassThrough } from 'node:stream';
import { BreakerSet } from '@integrations/connector-kit';
import { createLogger, createMetricsRegistry } from '@integrations/observability';
import { loadConfig } from '../config';
import { BotApiFactory } from './bot-api';

describe('BotApiFactory', () => {
  const registry = createMetricsRegistry({ service: 'test', defaultMetrics: false });
  const breakers = new BreakerSet({
    name: 'bot-api',
    keyPrefix: 'bot',
    timeoutMs: 1000,
    resetMs: 1000,
    registry,
    logger: createLogger({ service: 'test', stream: new PassThrough() }),
  });
  const factory = new BotApiFactory(loadConfig({}), breakers);

  /** A decrypt that counts its calls (the cipher's round trip a send should not pay each time). */
  const decrypting = (token: string) => {
    const calls: string[] = [];
    return {
      calls,
      decrypt: (): Promise<string> => {
        calls.push(token);
        return Promise.resolve(token);
      },
    };
  };

  it('decrypts a bot token once while its stored ciphertext stays the same', async () => {
    const { calls, decrypt } = decrypting('1:aaa');
    const bot = { id: 'b1', bot_token_enc: 'v1:cipher-a' };
    const first = await factory.forBot(bot, decrypt);
    const again = await factory.forBot({ ...bot }, decrypt);
    expect(calls).toEqual(['1:aaa']);
    expect(again).toBe(first);
    expect(first.send.token).toBe('1:aaa');
  });

  it('makes the clients once for concurrent first sends', async () => {
    const { calls, decrypt } = decrypting('1:ccc');
    const bot = { id: 'b3', bot_token_enc: 'v1:cipher-c' };
    const [a, b] = await Promise.all([factory.forBot(bot, decrypt), factory.forBot(bot, decrypt)]);
    expect(calls).toHaveLength(2);
    expect(b).toBe(a);
  });

  it('never sends with the old token once the bot is stored with a new one, and keeps the clients for a rotated key', async () => {
    const old = await factory.forBot({ id: 'b2', bot_token_enc: 'v1:old' }, decrypting('2:old').decrypt);
    // Connected again with another token (by any replica): the ciphertext changed, so it is decrypted again.
    const reconnected = decrypting('2:new');
    const fresh = await factory.forBot({ id: 'b2', bot_token_enc: 'v1:new' }, reconnected.decrypt);
    expect(reconnected.calls).toEqual(['2:new']);
    expect(fresh.send.token).toBe('2:new');
    expect(fresh.query.token).toBe('2:new');
    expect(fresh).not.toBe(old);
    // The same token re-encrypted under a newer key: decrypted once, the clients (and their throttle) stay.
    const rotated = decrypting('2:new');
    expect(await factory.forBot({ id: 'b2', bot_token_enc: 'v2:new' }, rotated.decrypt)).toBe(fresh);
    expect(await factory.forBot({ id: 'b2', bot_token_enc: 'v2:new' }, rotated.decrypt)).toBe(fresh);
    expect(rotated.calls).toEqual(['2:new']);
  });
});
