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
  // Vitest's report lacks numRuntimeErrorTestSuites; a file of its that cannot load fails the step (counted below).
  counts.failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
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
  // The browser tests (jest, below) serve the built bundle, so the web UI is built (and type-checked) first.
  await step('build the web UI', async () => run('pnpm', ['--filter', '@integrations/web', 'run', 'build']));
  await step('lint', async () => {
    run('pnpm', ['exec', 'eslint', '.', '--max-warnings=0']);
    run('pnpm', ['exec', 'prettier', '--check', '.', '--log-level', 'warn']);
  });
  // The restart test runs `npm start` twice (every service as a process): alone, after the rest, so that it
  // neither starves the other end-to-end tests nor is starved by them.
  const SERIAL = 'restart\\.e2e\\.test\\.ts$';
  const jest = (name, args) =>
    step(name, async () => {
      const out = path.join(mkdtempSync(path.join(tmpdir(), 'jest-')), 'report.json');
      const result = spawnSync('pnpm', ['exec', 'jest', '--ci', '--json', `--outputFile=${out}`, ...args], {
        cwd: root,
        stdio: 'inherit',
      });
      if (existsSync(out)) countJest(out);
      if (result.status !== 0) {
        const error = new Error('jest failed');
        error.exitCode = result.status ?? 1;
        throw error;
      }
    });
  const only = process.argv.slice(2);
  await jest('jest (unit and integration, real MariaDB/Redis/RabbitMQ)', [
    '--maxWorkers=2',
    ...(only.length > 0
      ? only
      : ['--testPathIgnorePatterns', '/node_modules/', '/dist/', '/services/web/', SERIAL]),
  ]);
  if (only.length === 0) await jest('jest (npm start stopped and started)', ['--runInBand', SERIAL]);
  await step('web UI component tests (vitest)', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'vitest-')), 'report.json');
    const result = spawnSync(
      'pnpm',
      [
        '--filter',
        '@integrations/web',
        'exec',
        'vitest',
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile=${out}`,
      ],
      { cwd: root, stdio: 'inherit' },
    );
    // Vitest's JSON report has Jest's shape.
    if (existsSync(out)) countJest(out);
    if (result.status !== 0) {
      const error = new Error('vitest failed');
      error.exitCode = result.status ?? 1;
      throw error;
    }
  });
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
