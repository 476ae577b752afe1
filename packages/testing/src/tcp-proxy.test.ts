import { Redis } from 'ioredis';
import { infra } from './infra';
import { startProxyFor } from './tcp-proxy';
import { until } from './until';

describe('a TCP proxy in front of a real dependency', () => {
  it('passes traffic, cuts every connection and refuses new ones, then accepts again', async () => {
    const proxy = await startProxyFor(infra.redisUrl, 6379);
    const redis = new Redis(proxy.url(infra.redisUrl), {
      maxRetriesPerRequest: 0,
      retryStrategy: () => 100,
      enableOfflineQueue: false,
    });
    try {
      await until(() => redis.status === 'ready');
      expect(await redis.ping()).toBe('PONG');
      await proxy.cut();
      await expect(redis.ping()).rejects.toThrow();
      await proxy.restore();
      await until(async () => (await redis.ping().catch(() => undefined)) === 'PONG');
      expect(proxy.accepted).toBeGreaterThanOrEqual(2);
    } finally {
      redis.disconnect();
      await proxy.close();
    }
  });
});
