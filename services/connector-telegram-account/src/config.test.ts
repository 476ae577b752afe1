import { loadConfig } from './config';

describe('the account connector configuration', () => {
  it('keeps the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      mode: 'sandbox',
      port: 9101,
      database: 'integrations_account',
      redisPrefix: 'integrations:account:',
      emulatorUrl: 'http://127.0.0.1:8090',
      apiId: 1,
      apiHash: 'sandbox',
      flowTtlMs: 300_000,
      sendIntervalMs: 1100,
      callTimeoutMs: 15_000,
      connectTimeoutMs: 30_000,
      restoreConcurrency: 20,
      healthSweepMs: 60_000,
      shards: 8,
      shardLeaseMs: 5_000,
      messageRetentionDays: 30,
    });
  });

  it('refuses bad values naming the variable, and live mode without app credentials', () => {
    expect(() => loadConfig({ TELEGRAM_ACCOUNT_SHARDS: 'eight' })).toThrow(/TELEGRAM_ACCOUNT_SHARDS/);
    expect(() => loadConfig({ TELEGRAM_ACCOUNT_SHARDS: '0' })).toThrow(
      /TELEGRAM_ACCOUNT_SHARDS .* at least 1/,
    );
    expect(() => loadConfig({ TELEGRAM_EMULATOR_URL: 'localhost:8090' })).toThrow(/TELEGRAM_EMULATOR_URL/);
    expect(() => loadConfig({ TELEGRAM_MODE: 'live' })).toThrow(
      /needs TELEGRAM_API_ID and TELEGRAM_API_HASH/,
    );
    expect(loadConfig({ TELEGRAM_MODE: 'live', TELEGRAM_API_ID: '42', TELEGRAM_API_HASH: 'h' }).apiId).toBe(
      42,
    );
  });
});
