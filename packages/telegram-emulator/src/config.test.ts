import path from 'node:path';
import { isLoopback, limitsFromEnv, optionsFromEnv } from './config';

describe('emulator configuration', () => {
  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'example.com', '::'].some(isLoopback)).toBe(false);
  });

  it('reads flood limits from the environment', () => {
    expect(limitsFromEnv({})).toEqual({});
    expect(limitsFromEnv({ EMULATOR_LIMITS: 'off' })).toEqual({ enabled: false });
    expect(
      limitsFromEnv({
        EMULATOR_LIMIT_PER_BOT: '100',
        EMULATOR_LIMIT_PER_PRIVATE_CHAT: '5',
        EMULATOR_LIMIT_PER_GROUP: '60',
        EMULATOR_RETRY_AFTER: '0.1',
      }),
    ).toEqual({
      perBot: { count: 100, windowMs: 1000 },
      perPrivateChat: { count: 5, windowMs: 1000 },
      perGroup: { count: 60, windowMs: 60_000 },
      retryAfterSeconds: 0.1,
    });
    expect(() => limitsFromEnv({ EMULATOR_LIMIT_PER_BOT: 'lots' })).toThrow(/EMULATOR_LIMIT_PER_BOT/);
  });

  it('reads the CLI options from the environment', () => {
    expect(optionsFromEnv({})).toEqual({
      stateFile: path.resolve('.run/emulator-state.json'),
      host: '127.0.0.1',
      port: 8090,
      mtprotoPort: 8443,
      allowRemote: false,
      limits: {},
    });
    expect(
      optionsFromEnv({
        EMULATOR_PORT: '0',
        EMULATOR_MTPROTO_PORT: '9443',
        EMULATOR_HOST: '0.0.0.0',
        EMULATOR_ALLOW_REMOTE: '1',
      }),
    ).toMatchObject({ host: '0.0.0.0', port: 0, mtprotoPort: 9443, allowRemote: true });
    expect(() => optionsFromEnv({ EMULATOR_PORT: '70000' })).toThrow(/EMULATOR_PORT/);
    expect(optionsFromEnv({ EMULATOR_STATE_FILE: '/tmp/x.json' }).stateFile).toBe('/tmp/x.json');
    expect(optionsFromEnv({ EMULATOR_STATE_FILE: 'off' })).not.toHaveProperty('stateFile');
  });
});
