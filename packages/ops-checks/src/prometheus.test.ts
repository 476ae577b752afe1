import { startDaemon, waitFor } from '@integrations/testing';
import { list, read, root, ruleGroups, tool } from './files';

/** Debian's Alertmanager with the project's configuration, on a free port, with its own storage. */
function startAlertmanager() {
  return startDaemon(
    'prometheus-alertmanager',
    (port, dir) => [
      '--config.file=monitoring/alertmanager/alertmanager.yml',
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { readyPath: '/-/ready', cwd: root },
  );
}

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

  it('has a valid Alertmanager configuration', () => {
    expect(tool('amtool', ['check-config', 'monitoring/alertmanager/alertmanager.yml'])).toContain('SUCCESS');
  });

  it('lets a lost session inhibit the account connector’s error alert only, in a real Alertmanager', async () => {
    const alertmanager = await startAlertmanager();
    try {
      const alert = (alertname: string, service: string, severity: string) => ({
        labels: { alertname, service, severity },
        startsAt: new Date().toISOString(),
      });
      const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          alert('TelegramSessionDown', 'connector-telegram-account', 'critical'),
          alert('HighErrorRate', 'connector-telegram-account', 'warning'),
          alert('HighErrorRate', 'connector-telegram-bot', 'warning'),
        ]),
      });
      expect(posted.status).toBe(200);
      type Listed = { labels: Record<string, string>; status: { inhibitedBy: string[] } };
      let listed: Listed[] = [];
      // Alertmanager lists an alert before its inhibitor has looked at it (a loaded machine shows it): wait for the
      // three, with the inhibition applied, then check it hit the one alert it should.
      await waitFor('three alerts listed, one inhibited', async () => {
        listed = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as Listed[];
        return listed.length === 3 && listed.some((a) => a.status.inhibitedBy.length > 0);
      });
      const inhibited = Object.fromEntries(
        listed.map((a) => [
          `${a.labels['alertname']} ${a.labels['service']}`,
          a.status.inhibitedBy.length > 0,
        ]),
      );
      expect(inhibited).toEqual({
        'TelegramSessionDown connector-telegram-account': false,
        'HighErrorRate connector-telegram-account': true,
        'HighErrorRate connector-telegram-bot': false,
      });
    } finally {
      await alertmanager.stop();
    }
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
