import { list, read, readYaml, ruleGroups, tool } from './files';

describe('Prometheus rules and Alertmanager', () => {
  it('has a valid Prometheus configuration and rule files', () => {
    expect(
      tool('promtool', ['check', 'config', '--syntax-only', 'monitoring/prometheus/prometheus.yml']),
    ).toContain('SUCCESS');
    expect(tool('promtool', ['check', 'rules', ...list('monitoring/prometheus/rules', '.yml')])).toContain(
      'SUCCESS',
    );
  });

  it('passes every promtool unit test', () => {
    expect(
      tool('promtool', ['test', 'rules', ...list('monitoring/prometheus/tests', '.test.yml')]),
    ).toContain('SUCCESS');
  });

  it('has the spec’s alerts, and a promtool test and a runbook entry for every alert', () => {
    const alerts = ruleGroups().flatMap((g) => g.rules.filter((r) => r.alert));
    const names = alerts.map((a) => a.alert!);
    expect(names).toEqual(expect.arrayContaining(['TelegramSessionDown', 'HighErrorRate']));
    const spec = alerts.find((a) => a.alert === 'TelegramSessionDown');
    expect(spec?.labels?.['severity']).toBe('critical');
    const tests = list('monitoring/prometheus/tests', '.test.yml').map(read).join('\n');
    const runbook = read('docs/runbook.md');
    for (const alert of alerts) {
      expect([alert.alert, tests.includes(`alertname: ${alert.alert}`)]).toEqual([alert.alert, true]);
      expect([alert.alert, alert.labels?.['severity']]).toEqual([
        alert.alert,
        expect.stringMatching(/^(critical|warning)$/),
      ]);
      const anchor = alert.annotations?.['runbook']?.split('#')[1] ?? '';
      expect([alert.alert, runbook.toLowerCase().includes(`## ${anchor}`)]).toEqual([alert.alert, true]);
    }
  });

  it('has a valid Alertmanager configuration where a lost session inhibits its error-rate alert', () => {
    expect(tool('amtool', ['check-config', 'monitoring/alertmanager/alertmanager.yml'])).toContain('SUCCESS');
    const config = readYaml<{ inhibit_rules: { source_matchers: string[]; target_matchers: string[] }[] }>(
      'monitoring/alertmanager/alertmanager.yml',
    );
    expect(config.inhibit_rules).toContainEqual({
      source_matchers: ['alertname="TelegramSessionDown"'],
      target_matchers: ['alertname="HighErrorRate"'],
    });
  });

  it('routes critical alerts to the pager and warnings to chat', () => {
    const route = (labels: string[]) =>
      tool('amtool', [
        'config',
        'routes',
        'test',
        '--config.file=monitoring/alertmanager/alertmanager.yml',
        ...labels,
      ]).trim();
    expect(route(['alertname=TelegramSessionDown', 'severity=critical'])).toBe('on-call-pager');
    expect(route(['alertname=HighErrorRate', 'severity=warning'])).toBe('team-chat');
  });
});
