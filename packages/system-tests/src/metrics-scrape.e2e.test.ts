import { EXTERNAL, PLANNED, monitoredMetrics, recordedNames } from '../../ops-checks/src/promql';
import { startStack, type Stack } from './stack';

/** Metric names a `/metrics` page declares (every registered metric has a TYPE line, with samples or not). */
function declaredNames(page: string): string[] {
  return [...page.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name = '', type]) =>
    type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
  );
}

/**
 * The dashboards and alert rules against what the running services really serve: every metric a panel or a rule
 * queries is on some service's `/metrics` page (or recorded by a rule, or exported by Prometheus/RabbitMQ, or
 * listed as planned for the account connector that is not built yet).
 */
describe('monitoring against a running stack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('scrape');
  });
  afterAll(() => stack?.close());

  it('finds every monitored metric on a live /metrics page', async () => {
    const served = new Set<string>();
    for (const url of stack.metricsUrls) {
      const res = await fetch(url);
      expect([url, res.status]).toEqual([url, 200]);
      for (const name of declaredNames(await res.text())) served.add(name);
    }
    expect(served.has('api_request_duration_seconds_bucket')).toBe(true);
    expect(served.has('webhook_deliveries_due')).toBe(true);
    const known = new Set([...served, ...recordedNames(), ...EXTERNAL, ...PLANNED]);
    const missing = [...monitoredMetrics()].filter(([name]) => !known.has(name));
    expect(missing).toEqual([]);
  });
});
