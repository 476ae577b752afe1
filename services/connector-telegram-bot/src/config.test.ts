import { loadConfig } from './config';

describe('the bot connector configuration', () => {
  it('keeps the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 9102,
      database: 'integrations_bot',
      redisPrefix: 'integrations:bot:',
      botApiUrl: 'http://127.0.0.1:8090',
      limits: { perBot: { count: 30, windowMs: 1000 }, perChatMinMs: 1000, perGroup: { count: 20 } },
      pollTimeoutSeconds: 25,
      breakerResetMs: 10_000,
      callTimeoutMs: 15_000,
      replicaTtlMs: 15_000,
      messageRetentionDays: 30,
    });
    expect(loadConfig({ TELEGRAM_MODE: 'live' }).botApiUrl).toBe('https://api.telegram.org');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://x.test/' }).publicBaseUrl).toBe('https://x.test');
  });

  it('refuses a bad number, a bad mode and the sandbox in production', () => {
    expect(() => loadConfig({ TELEGRAM_LIMIT_PER_BOT: 'lots' })).toThrow(/TELEGRAM_LIMIT_PER_BOT/);
    expect(() => loadConfig({ TELEGRAM_REPLICA_TTL_MS: '-5' })).toThrow(/TELEGRAM_REPLICA_TTL_MS/);
    expect(() => loadConfig({ TELEGRAM_MODE: 'prod' })).toThrow(/TELEGRAM_MODE must be one of sandbox, live/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TELEGRAM_MODE=sandbox is refused/);
  });
});
