#!/usr/bin/env node
// k8s/base/prometheus-rules.yaml is the PrometheusRule made from monitoring/prometheus/rules/*.yml: one source
// for docker-compose's Prometheus and the operator. `--check` fails when it is out of date.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const rulesDir = path.join(root, 'monitoring/prometheus/rules');
const target = path.join(root, 'k8s/base/prometheus-rules.yaml');

const groups = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .flatMap((f) => parse(readFileSync(path.join(rulesDir, f), 'utf8')).groups);
const resource = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'integration-service', labels: { role: 'alert-rules' } },
  spec: { groups },
};
const text = `# Generated from monitoring/prometheus/rules by packages/ops-checks/scripts/k8s-rules.mjs. Do not edit.\n${stringify(resource, { lineWidth: 0 })}`;
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== text) {
    console.error(
      'k8s/base/prometheus-rules.yaml is out of date: run node packages/ops-checks/scripts/k8s-rules.mjs',
    );
    process.exit(1);
  }
  console.log('PrometheusRule is up to date');
} else {
  writeFileSync(target, text);
  console.log('wrote k8s/base/prometheus-rules.yaml');
}
