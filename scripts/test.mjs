#!/usr/bin/env node
// `npm test`: the whole suite, the same on a laptop and in CI. Each step stops the run when it fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkDependencies, ensurePnpm, log, pnpmInstall, root, run } from './lib/bootstrap.mjs';

const timings = [];
async function step(name, fn) {
  const started = Date.now();
  log('test', `${name} ...`);
  await fn();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  timings.push(`${name} ${seconds}s`);
  log('test', `${name} done in ${seconds}s`);
}

const counts = { passed: 0, failed: 0 };

function countJest(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  counts.passed += report.numPassedTests;
  counts.failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
}

async function main() {
  await step('install', async () => {
    ensurePnpm();
    pnpmInstall();
  });
  await step('dependencies', () => checkDependencies());
  await step('generated contracts are up to date', async () =>
    run('pnpm', ['-r', '--if-present', 'run', 'check:generated']),
  );
  await step('type-check and build', async () => run('pnpm', ['exec', 'tsc', '-b']));
  await step('lint', async () => {
    run('pnpm', ['exec', 'eslint', '.', '--max-warnings=0']);
    run('pnpm', ['exec', 'prettier', '--check', '.', '--log-level', 'warn']);
  });
  await step('jest (unit and integration, real MariaDB/Redis/RabbitMQ)', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jest-')), 'report.json');
    const result = spawnSync(
      'pnpm',
      ['exec', 'jest', '--ci', '--maxWorkers=2', '--json', `--outputFile=${out}`, ...process.argv.slice(2)],
      { cwd: root, stdio: 'inherit' },
    );
    if (existsSync(out)) countJest(out);
    if (result.status !== 0) {
      const error = new Error('jest failed');
      error.exitCode = result.status ?? 1;
      throw error;
    }
  });
  await step('workspace test suites (vitest, ...)', async () =>
    run('pnpm', ['-r', '--if-present', '--workspace-concurrency=1', 'run', 'test:suite']),
  );
}

main()
  .then(() => {
    log('test', `timings: ${timings.join(', ')}`);
    console.log(`${counts.passed} passed, ${counts.failed} failed`);
  })
  .catch((error) => {
    log('test', `timings: ${timings.join(', ')}`);
    console.error(`\x1b[31m${error.message}\x1b[0m`);
    console.log(`${counts.passed} passed, ${Math.max(counts.failed, 1)} failed`);
    process.exit(error.exitCode ?? 1);
  });
