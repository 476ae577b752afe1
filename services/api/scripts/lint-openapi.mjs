#!/usr/bin/env node
// Lints an OpenAPI document (JSON on stdin) with Redocly's `recommended` rules and prints the problems as JSON.
// A script rather than an import in the tests: @redocly/openapi-core is ESM-only, and Jest runs CommonJS.
import { createConfig, lintFromString } from '@redocly/openapi-core';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({
  source: Buffer.concat(chunks).toString('utf8'),
  absoluteRef: 'openapi.json',
  config,
});
process.stdout.write(
  JSON.stringify(
    problems.map((p) => ({
      rule: p.ruleId,
      severity: p.severity,
      message: p.message,
      where: p.location.map((l) => l.pointer).join(' '),
    })),
  ),
);
