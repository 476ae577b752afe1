import { list, readYaml, tool } from './files';

interface Dashboard {
  uid: string;
  panels: { title: string; targets: { expr: string }[] }[];
}

/**
 * The dashboards' files. Their queries are checked by a real Prometheus against a running stack
 * (`tests/system/src/prometheus.e2e.test.ts`).
 */
describe('Grafana dashboards', () => {
  const dashboards = list('monitoring/grafana/dashboards', '.json').map((f) => readYaml<Dashboard>(f));

  it('has the overview, sessions, messages, api, queues and security dashboards, generated from their script', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(
      ['api', 'messages', 'overview', 'queues', 'security', 'sessions'].map((n) => `integrations-${n}`),
    );
    expect(tool('node', ['packages/ops-checks/scripts/dashboards.mjs', '--check'])).toContain('up to date');
  });

  it('gives every panel a query', () => {
    for (const dashboard of dashboards) {
      for (const panel of dashboard.panels) {
        expect([dashboard.uid, panel.title, panel.targets.length > 0]).toEqual([
          dashboard.uid,
          panel.title,
          true,
        ]);
      }
    }
  });
});
