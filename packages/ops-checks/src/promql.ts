import { list, readYaml, ruleGroups } from './files';

/** Metrics that come from outside our services: Prometheus itself and RabbitMQ's prometheus plugin. */
export const EXTERNAL = ['up', 'rabbitmq_queue_messages_ready'];
/**
 * Named by a rule or dashboard before the service that exports it exists, so that such a gap is visible, not
 * silent. Empty now: every name is exported by a service.
 */
export const PLANNED: string[] = [];

const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'rate',
  'increase',
  'deriv',
  'min_over_time',
  'max_over_time',
  'avg_over_time',
  'histogram_quantile',
  'clamp_min',
  'by',
  'without',
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'le',
  'bool',
  'offset',
  'humanize',
  'abs',
  'vector',
  'time',
]);

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, label names or strings. */
export function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\[[^\]]*\]/g, '');
  const withoutLabels = withoutStrings
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  const names = withoutLabels.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((n) => !PROMQL_WORDS.has(n) && !/^\d/.test(n)))].filter(
    (n) => !/^[0-9.e]+$/.test(n),
  );
}

/** Every metric name that a dashboard panel or a rule queries, with where it is used. */
export function monitoredMetrics(): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (expr: string, where: string) => {
    for (const name of metricNames(expr)) uses.set(name, [...(uses.get(name) ?? []), where]);
  };
  for (const file of list('monitoring/grafana/dashboards', '.json')) {
    const dashboard = readYaml<{ uid: string; panels: { title: string; targets: { expr: string }[] }[] }>(
      file,
    );
    for (const panel of dashboard.panels)
      for (const target of panel.targets) add(target.expr, `${dashboard.uid}: ${panel.title}`);
  }
  for (const group of ruleGroups())
    for (const rule of group.rules) add(rule.expr, rule.alert ?? rule.record ?? '');
  return uses;
}

/** Names recorded by our own recording rules (they exist once Prometheus evaluates the rules). */
export function recordedNames(): Set<string> {
  return new Set(
    ruleGroups().flatMap((g) => g.rules.map((r) => r.record).filter((r): r is string => Boolean(r))),
  );
}
