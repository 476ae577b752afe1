import { ConfigError, EnvReader, PORT, infrastructure, retention, telegramMode } from './config';

const read = (env: NodeJS.ProcessEnv): EnvReader => new EnvReader(env);

describe('EnvReader', () => {
  it('takes the default for an unset or empty variable', () => {
    expect(read({}).integer('X', 7)).toBe(7);
    expect(read({ X: '' }).integer('X', 7)).toBe(7);
    expect(read({ X: '' }).string('X', 'd')).toBe('d');
    expect(read({}).boolean('X', true)).toBe(true);
    expect(read({}).raw('X')).toBeUndefined();
  });

  it('reads whole numbers and numbers within their range', () => {
    expect(read({ X: '42' }).integer('X', 1, { min: 0, max: 100 })).toBe(42);
    expect(read({ X: '0.5' }).number('X', 1, { min: 0 })).toBe(0.5);
    expect(read({ P: '0' }).integer('P', 8080, PORT)).toBe(0);
  });

  it('stops on a value that is not a number, naming the variable (never NaN)', () => {
    expect(() => read({ API_PORT: 'eighty' }).integer('API_PORT', 8080)).toThrow(
      new ConfigError('API_PORT must be a whole number, not "eighty"'),
    );
    expect(() => read({ X: '1.5' }).integer('X', 1)).toThrow(/X must be a whole number/);
    expect(() => read({ X: 'Infinity' }).number('X', 1)).toThrow(/X must be a number/);
    expect(() => read({ X: ' ' }).number('X', 1)).toThrow(/X must be a number/);
  });

  it('stops on a number out of its range', () => {
    expect(() => read({ P: '70000' }).integer('P', 1, PORT)).toThrow(
      'P must be a whole number from 0 to 65535, not 70000',
    );
    expect(() => read({ X: '-1' }).number('X', 1, { min: 0 })).toThrow(
      'X must be a number at least 0, not -1',
    );
    expect(() => read({ X: '11' }).integer('X', 1, { max: 10 })).toThrow(
      'X must be a whole number at most 10, not 11',
    );
  });

  it('reads booleans as true or false only', () => {
    expect(read({ B: 'true' }).boolean('B', false)).toBe(true);
    expect(read({ B: 'false' }).boolean('B', true)).toBe(false);
    expect(() => read({ B: 'yes' }).boolean('B', false)).toThrow('B must be true or false, not "yes"');
  });

  it('reads one of a set of values', () => {
    expect(read({ M: 'live' }).oneOf('M', ['sandbox', 'live'], 'sandbox')).toBe('live');
    expect(() => read({ M: 'lvie' }).oneOf('M', ['sandbox', 'live'], 'sandbox')).toThrow(
      'M must be one of sandbox, live, not "lvie"',
    );
  });

  it('reads URLs, checks their scheme and never echoes the value', () => {
    expect(read({ U: 'https://x.test/' }).url('U', 'http://d', { trimSlash: true })).toBe('https://x.test');
    expect(read({}).url('U', undefined)).toBeUndefined();
    expect(() => read({ U: 'not a url with s3cret' }).url('U', 'http://d')).toThrow(
      new ConfigError('U must be a URL'),
    );
    expect(() => read({ U: 'ftp://x' }).url('U', 'http://d', { protocols: ['http', 'https'] })).toThrow(
      'U must be a http or https URL, not ftp',
    );
  });

  it('reads comma-separated lists', () => {
    expect(read({ L: ' a, ,b ,' }).list('L')).toEqual(['a', 'b']);
    expect(read({}).list('L')).toEqual([]);
  });
});

describe('shared settings', () => {
  it('has the local infrastructure defaults and validates the URLs', () => {
    expect(infrastructure(read({}))).toEqual({
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      mysqlUrl: 'mysql://root@127.0.0.1:3306',
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(() => infrastructure(read({ REDIS_URL: 'http://127.0.0.1:6379' }))).toThrow(
      /REDIS_URL must be a redis/,
    );
    expect(() => infrastructure(read({ AMQP_URL: 'guest@rabbit' }))).toThrow(/AMQP_URL must be a URL/);
  });

  it('refuses the sandbox in production and an unknown mode', () => {
    expect(telegramMode(read({}))).toBe('sandbox');
    expect(telegramMode(read({ NODE_ENV: 'production', TELEGRAM_MODE: 'live' }))).toBe('live');
    expect(() => telegramMode(read({ NODE_ENV: 'production' }))).toThrow(
      'TELEGRAM_MODE=sandbox is refused with NODE_ENV=production; set TELEGRAM_MODE=live.',
    );
    expect(() => telegramMode(read({ TELEGRAM_MODE: 'Live' }))).toThrow(/TELEGRAM_MODE must be one of/);
  });

  it('reads the retention days and interval', () => {
    expect(retention(read({}), 'D', 30)).toEqual({ days: 30, intervalMs: 3_600_000 });
    expect(() => retention(read({ D: '10' }), 'D', 90, 90)).toThrow(
      'D must be a whole number of days, at least 90',
    );
    expect(() => retention(read({ RETENTION_INTERVAL_MS: 'hourly' }), 'D', 30)).toThrow(
      /RETENTION_INTERVAL_MS/,
    );
  });
});
