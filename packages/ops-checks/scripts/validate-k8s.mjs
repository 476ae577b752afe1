#!/usr/bin/env node
// Renders a kustomize overlay and validates every object against the Kubernetes (and prometheus-operator) JSON
// schemas that kubernetes-models publishes (ESM-only, hence a script rather than inside Jest). Prints one line
// per object; exits non-zero when any fails.
//   node packages/ops-checks/scripts/validate-k8s.mjs k8s/overlays/prod
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

const overlay = process.argv[2];
const rendered = execFileSync('kubectl', ['kustomize', overlay], { encoding: 'utf8' });
const objects = parseAllDocuments(rendered)
  .map((d) => d.toJSON())
  .filter(Boolean);
let failures = 0;
for (const object of objects) {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const module =
    group === 'monitoring.coreos.com'
      ? `@kubernetes-models/prometheus-operator/${group}/${version}/${object.kind}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  try {
    const Model = (await import(module))[object.kind];
    new Model(object).validate();
    console.log(`ok ${object.kind}/${object.metadata.name}`);
  } catch (error) {
    failures += 1;
    console.log(
      `FAIL ${object.kind}/${object.metadata.name}: ${error.message.split('\n').slice(0, 5).join(' | ')}`,
    );
  }
}
console.log(`${objects.length - failures} valid, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
