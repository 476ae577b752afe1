/**
 * One Jest run for every package and service (the web UI has its own Vitest run).
 * @swc/jest compiles TypeScript without type-checking (tsc -b does that once, before the tests), with the
 * decorator metadata NestJS needs. Workspace packages resolve to their sources, so no build is needed first.
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

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services'],
  testMatch: ['**/src/**/*.test.ts', '**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/services/web/'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // ESM-only dependencies (jose 6, ...) are compiled to CommonJS for Jest; Node 20.19+ loads them natively.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(jose|uuid)/)'],
  moduleNameMapper: {
    '^@integrations/([^/]+)$': '<rootDir>/packages/$1/src',
  },
  testTimeout: 30000,
};
