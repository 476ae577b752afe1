const fs = require('node:fs');
const path = require('node:path');

/**
 * One Jest run for every package, service and the system tests in tests/ (the web UI has its own Vitest run).
 * @swc/jest compiles TypeScript without type-checking (tsc -b does that once, before the tests), with the
 * decorator metadata NestJS needs. Workspace packages resolve to their sources, so no build is needed first;
 * a service or example resolves to its public entry (`src/index.ts`), the only part of it others may import.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** `@integrations/<name>` → `<dir>/<folder>/src/index.ts` for every service or example that has a public entry. */
function publicEntries(dirs) {
  const entries = {};
  for (const dir of dirs) {
    for (const folder of fs.readdirSync(path.join(__dirname, dir))) {
      const entry = path.join(dir, folder, 'src/index.ts');
      const manifest = path.join(__dirname, dir, folder, 'package.json');
      if (!fs.existsSync(path.join(__dirname, entry)) || !fs.existsSync(manifest)) continue;
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      entries[`^${name.replace(/[/.]/g, '\\$&')}$`] = `<rootDir>/${entry}`;
    }
  }
  return entries;
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/tests'],
  testMatch: ['**/src/**/*.test.ts', '**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/services/web/'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // ESM-only dependencies (jose 6, ...) are compiled to CommonJS for Jest; Node 20.19+ loads them natively.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(jose|uuid)/)'],
  moduleNameMapper: {
    ...publicEntries(['services', 'examples']),
    '^@integrations/([^/]+)$': '<rootDir>/packages/$1/src',
  },
  testTimeout: 30000,
};
