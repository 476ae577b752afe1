import {
  aclMetrics,
  apiMetrics,
  createMetricsRegistry,
  keyRotationMetrics,
  queueMetrics,
  telegramMetrics,
  webhookMetrics,
} from '@integrations/observability';
import { list, readYaml, ruleGroups, tool } from './files';
import { EXTERNAL, PLANNED, metricNames } from './promql';

function exportedNames(): Set<string> {
  const registry = createMetricsRegistry({ service: 'names', defaultMetrics: false });
  apiMetrics(registry);
  telegramMetrics(registry);
  queueMetrics(registry);
  webhookMetrics(registry);
  keyRotationMetrics(registry);
  aclMetrics(registry);
  const names = new Set<string>();
  for (const metric of registry.getMetricsAsArray()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

interface Dashboard {
  uid: string;
  panels: { title: string; targets: { expr: string }[] }[];
}

describe('Grafana dashboards', () => {
  const recorded = new Set(
    ruleGroups().flatMap((g) => g.rules.map((r) => r.record).filter((r): r is string => Boolean(r))),
  );
  const allowed = new Set([...exportedNames(), ...recorded, ...EXTERNAL, ...PLANNED]);
  const dashboards = list('monitoring/grafana/dashboards', '.json').map((f) => readYaml<Dashboard>(f));

  it('has the overview, sessions, messages, api, queues and security dashboards, generated from their script', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(
      ['api', 'messages', 'overview', 'queues', 'security', 'sessions'].map((n) => `integrations-${n}`),
    );
    expect(tool('node', ['packages/ops-checks/scripts/dashboards.mjs', '--check'])).toContain('up to date');
  });

  it('queries only metrics that the services export (or rules record)', () => {
    for (const dashboard of dashboards) {
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) {
          const unknown = metricNames(target.expr).filter((n) => !allowed.has(n));
          expect([dashboard.uid, panel.title, unknown]).toEqual([dashboard.uid, panel.title, []]);
        }
      }
    }
  });

  it('alerts on metrics that exist too', () => {
    for (const group of ruleGroups()) {
      for (const rule of group.rules) {
        const unknown = metricNames(rule.expr).filter((n) => !allowed.has(n));
        expect([rule.alert ?? rule.record, unknown]).toEqual([rule.alert ?? rule.record, []]);
      }
    }
  });

  it('recognises metric names in PromQL (and would catch a typo)', () => {
    expect(metricNames('sum by (type) (rate(telegram_messages_sent_total{type="bot"}[5m]))')).toEqual([
      'telegram_messages_sent_total',
    ]);
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > 1')).toEqual([
      'x_bucket',
    ]);
    expect(allowed.has('telegram_mesages_sent_total')).toBe(false);
  });
});
