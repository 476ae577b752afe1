import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { infra } from './infra';
import { monitorRedis, parseMonitorLine, type MonitoredCommand } from './redis-monitor';
import { until } from './until';

describe('monitorRedis', () => {
  it('sees the commands a client sends and the ones its scripts run, with their arguments intact', async () => {
    const key = `test:${randomUUID()}:monitor "quoted"\n`;
    const seen: MonitoredCommand[] = [];
    const monitor = monitorRedis(infra.redisUrl, (command) => {
      if (command.args.some((arg) => arg.startsWith(key))) seen.push(command);
    });
    await monitor.ready;
    const redis = new Redis(infra.redisUrl);
    try {
      await redis.set(key, 'v', 'PX', 1000);
      await redis.eval("return redis.call('get', KEYS[1])", 1, key);
      await until(() => seen.length >= 3);
    } finally {
      monitor.stop();
      await redis.quit();
    }
    expect(seen[0]).toEqual({
      args: ['set', key, 'v', 'PX', '1000'],
      source: expect.stringMatching(/^127\.0\.0\.1:/),
    });
    expect(seen[1]?.args[0]).toBe('eval');
    expect(seen[2]).toEqual({ args: ['get', key], source: 'lua' });
  });

  it('reads the escapes Redis writes', () => {
    expect(parseMonitorLine('+1.5 [0 lua] "get" "a\\\\b\\x01\\"c"')).toEqual({
      args: ['get', 'a\\b\x01"c'],
      source: 'lua',
    });
    expect(parseMonitorLine('+OK')).toBeUndefined();
  });
});
