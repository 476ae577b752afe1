#!/usr/bin/env node
// `npm run migrate`: every service that owns a database migrates it to the latest version.
import { checkDependencies, run } from './lib/bootstrap.mjs';

await checkDependencies();
run('pnpm', ['-r', '--if-present', '--workspace-concurrency=1', 'run', 'migrate']);
