import { createLogger, createMetricsRegistry, type Registry } from '@integrations/observability';
import { until } from '@integrations/testing';
import { PassThrough } from 'node:stream';
import { BreakerOpenError, BreakerSet, CallTimeoutError } from './breakers';

const logger = createLogger({ service: 'kit-test', stream: new PassThrough() });

async function states(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('circuit_breaker_state')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels['breaker']), v.value]));
}

/** Something that says the platform is down, and something that is only an answer about the request. */
class Down extends Error {}
class BadRequest extends Error {}

function breakers(
  registry: Registry,
  overrides: { resetMs?: number; timeoutMs?: number; nested?: boolean } = {},
) {
  return new BreakerSet({
    name: 'platform',
    keyPrefix: 'account',
    timeoutMs: overrides.timeoutMs ?? 1000,
    resetMs: overrides.resetMs ?? 60_000,
    registry,
    logger,
    isFailure: (error) => !(error instanceof BadRequest),
    volumeThreshold: { key: 3, wide: 6 },
    ...(overrides.nested === undefined ? {} : { nested: overrides.nested }),
  });
}

describe('BreakerSet', () => {
  let registry: Registry;
  let set: BreakerSet;
  beforeEach(() => {
    registry = createMetricsRegistry({ service: 'kit-test', defaultMetrics: false });
  });
  afterEach(() => set?.shutdown());

  it('opens a key’s breaker on platform failures, then refuses that key without calling, not the others', async () => {
    set = breakers(registry);
    for (let i = 0; i < 3; i += 1) {
      await expect(set.call('a', () => Promise.reject(new Down()))).rejects.toBeInstanceOf(Down);
    }
    let called = false;
    const refused = await set
      .call('a', async () => {
        called = true;
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BreakerOpenError);
    expect(refused).toMatchObject({ breaker: 'account:a' });
    expect((refused as BreakerOpenError).retryAfterMs).toBe(60_000);
    expect(called).toBe(false);
    expect(set.isOpen('a')).toBe(true);
    await expect(set.call('b', async () => 'ok')).resolves.toBe('ok');
    expect(await states(registry)).toEqual({ platform: 0, 'account:a': 2 });
  });

  it('does not count answers about the request', async () => {
    set = breakers(registry);
    for (let i = 0; i < 10; i += 1) {
      await expect(set.call('a', () => Promise.reject(new BadRequest()))).rejects.toBeInstanceOf(BadRequest);
    }
    expect(set.isOpen('a')).toBe(false);
    expect(await states(registry)).toEqual({ platform: 0 });
  });

  it('opens the connector-wide breaker when the platform fails for many keys, refusing every key', async () => {
    set = breakers(registry);
    for (let i = 0; i < 6; i += 1) {
      await expect(set.call(`k${i}`, () => Promise.reject(new Down()))).rejects.toBeInstanceOf(Down);
    }
    await expect(set.call('fresh', async () => 'x')).rejects.toMatchObject({ breaker: 'platform' });
    await expect(set.call(undefined, async () => 'x')).rejects.toBeInstanceOf(BreakerOpenError);
    expect(set.isOpen()).toBe(true);
    expect((await states(registry))['platform']).toBe(2);
  });

  it('does not let one key’s refusals open the connector-wide breaker', async () => {
    set = breakers(registry);
    for (let i = 0; i < 3; i += 1)
      await set.call('a', () => Promise.reject(new Down())).catch(() => undefined);
    for (let i = 0; i < 20; i += 1) {
      await expect(set.call('a', async () => 'x')).rejects.toBeInstanceOf(BreakerOpenError);
    }
    expect(set.isOpen()).toBe(false);
    await expect(set.call('b', async () => 'ok')).resolves.toBe('ok');
  });

  it('bounds every call, and a timeout counts as a failure', async () => {
    set = breakers(registry, { timeoutMs: 50 });
    const never = () => new Promise<never>(() => undefined);
    for (let i = 0; i < 3; i += 1) {
      await expect(set.call('slow', never)).rejects.toBeInstanceOf(CallTimeoutError);
    }
    await expect(set.call('slow', never)).rejects.toBeInstanceOf(BreakerOpenError);
    await expect(set.call('slow', never, { timeoutMs: 10 })).rejects.toBeInstanceOf(BreakerOpenError);
  });

  it('lets a trial call through after the reset time and closes again on success', async () => {
    set = breakers(registry, { resetMs: 100 });
    for (let i = 0; i < 3; i += 1)
      await set.call('a', () => Promise.reject(new Down())).catch(() => undefined);
    expect(set.isOpen('a')).toBe(true);
    await until(async () => (await states(registry))['account:a'] === 1);
    await expect(set.call('a', async () => 'back')).resolves.toBe('back');
    expect(set.isOpen('a')).toBe(false);
    expect(await states(registry)).toEqual({ platform: 0 });
  });

  it('counts a call made inside another call of the set once, as part of it (nested)', async () => {
    set = breakers(registry, { nested: true });
    const nested = () => set.call('a', () => Promise.reject(new Down()));
    for (let i = 0; i < 2; i += 1) {
      await expect(set.call('a', nested)).rejects.toBeInstanceOf(Down);
    }
    expect(set.isOpen('a')).toBe(false);
    await expect(set.call('a', nested)).rejects.toBeInstanceOf(Down);
    expect(set.isOpen('a')).toBe(true);
  });

  it('counts each call on its own when the set is not made for nested calls (no promise hooks)', async () => {
    set = breakers(registry);
    const nested = () => set.call('a', () => Promise.reject(new Down()));
    await expect(set.call('a', nested)).rejects.toBeInstanceOf(Down);
    await expect(set.call('a', nested)).rejects.toBeInstanceOf(Down);
    // Four failures in the key's breaker (threshold 3): the inner and outer calls both counted.
    expect(set.isOpen('a')).toBe(true);
  });

  it('forgets a key: its breaker and its gauge series go', async () => {
    set = breakers(registry);
    for (let i = 0; i < 3; i += 1)
      await set.call('a', () => Promise.reject(new Down())).catch(() => undefined);
    set.forget('a');
    expect(await states(registry)).toEqual({ platform: 0 });
    await expect(set.call('a', async () => 'fresh')).resolves.toBe('fresh');
  });

  it('shares one gauge between the breaker sets of a registry', async () => {
    set = breakers(registry);
    const other = new BreakerSet({
      name: 'other',
      keyPrefix: 'bot',
      timeoutMs: 100,
      resetMs: 100,
      registry,
      logger,
    });
    expect(await states(registry)).toEqual({ platform: 0, other: 0 });
    other.shutdown();
  });
});
