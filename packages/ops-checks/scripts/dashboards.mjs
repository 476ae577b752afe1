#!/usr/bin/env node
// Writes monitoring/grafana/dashboards/*.json from the definitions below (panels as PromQL). `--check` fails when
// the checked-in files differ, so a dashboard is changed here and regenerated, never edited by hand in two places.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = path.join(root, 'monitoring/grafana/dashboards');

const ts = (title, exprs, unit = 'short') => ({
  type: 'timeseries',
  title,
  unit,
  targets: exprs.map(([expr, legend]) => ({ expr, legend })),
});
const stat = (title, expr, unit = 'short') => ({
  type: 'stat',
  title,
  unit,
  targets: [{ expr, legend: title }],
});

const dashboards = {
  overview: {
    title: 'Integration Service: overview',
    panels: [
      stat('Active account sessions', 'sum(telegram_sessions_active{type="account"})'),
      stat('Messages sent (1h)', 'sum(increase(telegram_messages_sent_total[1h]))'),
      stat('Send errors (1h)', 'sum(increase(telegram_messages_error_total[1h]))'),
      stat('api availability (30d objective 99.9 %)', '1 - api:request_errors:ratio_rate6h', 'percentunit'),
      ts(
        'Sends per second by type',
        [['sum by (type) (rate(telegram_messages_sent_total[5m]))', '{{type}}']],
        'ops',
      ),
      ts(
        'Send errors per second by type',
        [['sum by (type) (rate(telegram_messages_error_total[5m]))', '{{type}}']],
        'ops',
      ),
      ts('Services up', [['up{job=~"api|connector-.*|audit-log"}', '{{job}} {{instance}}']]),
    ],
  },
  sessions: {
    title: 'Integration Service: Telegram sessions',
    panels: [
      // Each replica reports the accounts of the shards it holds: the sums count every account once.
      ts('Account sessions', [
        ['sum(telegram_sessions_total{type="account"})', 'known'],
        ['sum(telegram_sessions_active{type="account"})', 'active'],
        ['sum(telegram_sessions_connecting{type="account"})', 'connecting'],
        ['sum(telegram_sessions_error{type="account"})', 'error or revoked'],
      ]),
      ts('Shard leases per replica', [['account_shard_leases_held', '{{pod}}']]),
      ts('Breakers (0 closed, 1 half-open, 2 open)', [
        ['max by (service, breaker) (circuit_breaker_state)', '{{service}} {{breaker}}'],
      ]),
    ],
  },
  messages: {
    title: 'Integration Service: messages',
    panels: [
      ts('Sent per second', [['sum by (type) (rate(telegram_messages_sent_total[5m]))', '{{type}}']], 'ops'),
      ts(
        'Failed per second',
        [['sum by (type) (rate(telegram_messages_error_total[5m]))', '{{type}}']],
        'ops',
      ),
      ts(
        'Send latency',
        [
          ['histogram_quantile(0.5, sum by (le) (rate(telegram_send_duration_seconds_bucket[5m])))', 'p50'],
          ['histogram_quantile(0.99, sum by (le) (rate(telegram_send_duration_seconds_bucket[5m])))', 'p99'],
        ],
        's',
      ),
      // WhatsApp: accepted by Meta, then what the status webhooks say, and why messages fail.
      ts(
        'WhatsApp: accepted and status webhooks per second',
        [
          ['sum by (type) (rate(whatsapp_messages_accepted_total[5m]))', 'accepted {{type}}'],
          ['sum by (status) (rate(whatsapp_status_webhooks_total[5m]))', '{{status}}'],
        ],
        'ops',
      ),
      ts(
        'WhatsApp: failed per second by code',
        [['sum by (code) (rate(whatsapp_messages_failed_total[5m]))', '{{code}}']],
        'ops',
      ),
      ts('WhatsApp: send latency and refused webhooks', [
        [
          'histogram_quantile(0.99, sum by (le) (rate(whatsapp_send_duration_seconds_bucket[5m])))',
          'p99 send (s)',
        ],
        ['sum by (reason) (rate(whatsapp_webhook_rejected_total[5m]))', 'refused webhooks: {{reason}}'],
      ]),
    ],
  },
  api: {
    title: 'Integration Service: api',
    panels: [
      ts(
        'Requests per second by endpoint',
        [['sum by (endpoint) (rate(api_request_total[5m]))', '{{endpoint}}']],
        'reqps',
      ),
      ts(
        'Server errors (5xx) per second by endpoint',
        [['sum by (endpoint) (rate(api_request_error_total{status=~"5.."}[5m]))', '{{endpoint}}']],
        'reqps',
      ),
      ts(
        'Latency p99 by endpoint',
        [
          [
            'histogram_quantile(0.99, sum by (le, endpoint) (rate(api_request_duration_seconds_bucket[5m])))',
            '{{endpoint}}',
          ],
        ],
        's',
      ),
      ts('Error budget burn', [
        ['api:request_errors:ratio_rate5m / 0.001', '5m'],
        ['api:request_errors:ratio_rate1h / 0.001', '1h'],
        ['api:request_errors:ratio_rate6h / 0.001', '6h'],
      ]),
    ],
  },
  queues: {
    title: 'Integration Service: queues',
    panels: [
      ts('Tasks per second by lane', [['sum by (queue) (rate(queue_tasks_total[5m]))', '{{queue}}']], 'ops'),
      ts(
        'Failing tasks per second by lane',
        [['sum by (queue) (rate(queue_tasks_error_total[5m]))', '{{queue}}']],
        'ops',
      ),
      ts('Ready messages per queue', [['sum by (queue) (rabbitmq_queue_messages_ready)', '{{queue}}']]),
      ts('Sends waiting for Telegram’s limits', [['sum by (type) (telegram_send_queue_depth)', '{{type}}']]),
      ts('Dead letters', [
        ['sum by (queue) (rabbitmq_queue_messages_ready{queue=~".+\\\\.dead"})', '{{queue}}'],
      ]),
    ],
  },
  security: {
    title: 'Integration Service: security',
    panels: [
      ts(
        'Rejected credentials by reason',
        [['sum by (reason) (rate(api_auth_failures_total[5m]))', '{{reason}}']],
        'ops',
      ),
      ts('Rate-limited requests', [['sum(rate(api_request_total{status="429"}[5m]))', '429']], 'reqps'),
      ts(
        'Client errors (4xx) by code',
        [['sum by (code) (rate(api_request_error_total{status=~"4.."}[5m]))', '{{code}}']],
        'reqps',
      ),
      ts(
        "ACL denials (another user's id, answered 404)",
        [['sum by (resource) (rate(acl_denied_total[5m]))', '{{resource}}']],
        'ops',
      ),
      ts(
        'Incoming Telegram webhooks refused (bad secret_token)',
        [['sum(rate(api_webhook_rejected_total[5m]))', 'refused']],
        'reqps',
      ),
      ts(
        'Outgoing webhook attempts by result',
        [['sum by (result) (rate(webhook_delivery_attempts_total[5m]))', '{{result}}']],
        'ops',
      ),
      ts('Outgoing webhook deliveries due', [['sum(webhook_deliveries_due)', 'due']]),
      ts('Encrypted rows on an older key version (rewrap progress)', [
        ['sum by (key) (secrets_rows_on_old_key_version)', '{{key}}'],
      ]),
    ],
  },
};

function toGrafana(uid, { title, panels }) {
  return {
    uid: `integrations-${uid}`,
    title,
    tags: ['integration-service'],
    schemaVersion: 39,
    editable: false,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: { list: [] },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: p.type,
      title: p.title,
      datasource: { type: 'prometheus', uid: 'prometheus' },
      gridPos: {
        h: p.type === 'stat' ? 4 : 8,
        w: p.type === 'stat' ? 6 : 12,
        x: p.type === 'stat' ? (i % 4) * 6 : (i % 2) * 12,
        y: i * 8,
      },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.targets.map((t, j) => ({
        refId: String.fromCharCode(65 + j),
        expr: t.expr,
        legendFormat: t.legend,
        datasource: { type: 'prometheus', uid: 'prometheus' },
      })),
    })),
  };
}

const check = process.argv.includes('--check');
let stale = [];
for (const [uid, definition] of Object.entries(dashboards)) {
  const file = path.join(outDir, `${uid}.json`);
  const text = JSON.stringify(toGrafana(uid, definition), null, 2) + '\n';
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) stale.push(uid);
  } else {
    writeFileSync(file, text);
  }
}
if (stale.length > 0) {
  console.error(
    `dashboards out of date: ${stale.join(', ')} (run node packages/ops-checks/scripts/dashboards.mjs)`,
  );
  process.exit(1);
}
console.log(check ? 'dashboards are up to date' : `wrote ${Object.keys(dashboards).length} dashboards`);
