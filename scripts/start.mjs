#!/usr/bin/env node
// `npm start`: install, build, migrate (each service migrates its own database on start), run every service,
// the web UI and the Telegram and WhatsApp emulators (sandbox mode), wait until each is ready, print URLs and a dev token.
// Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { checkDependencies, ensurePnpm, log, pnpmInstall, root, run } from './lib/bootstrap.mjs';
import { devSecret, mintDevToken } from './lib/dev-token.mjs';
import { isAvailable, serviceTable } from './lib/services.mjs';

// Local state (dev secret and token, keyring, the emulator's world): `.run/` unless RUN_DIR names another place.
const runDir = path.resolve(root, process.env.RUN_DIR ?? '.run');
const started = Date.now();
const children = new Map();
let stopping = false;

const colours = [35, 32, 33, 34, 36, 95, 96];
const levelColour = { error: 31, warn: 33, info: 0, debug: 90 };

/** Service logs are ECS JSON; show them as one readable line each, prefixed with the service name. */
function pipeLogs(name, stream, colour) {
  const prefix = `\x1b[${colour}m${name.padEnd(17)}|\x1b[0m `;
  readline.createInterface({ input: stream }).on('line', (line) => {
    let text = line;
    try {
      const entry = JSON.parse(line);
      const level = entry['log.level'] ?? entry.level ?? 'info';
      const extra = entry.error?.message ? ` (${entry.error.message})` : '';
      text = `\x1b[${levelColour[level] ?? 0}m${level.padEnd(5)}\x1b[0m ${entry.message ?? line}${extra}`;
    } catch {
      // not JSON (a library writing plain text): show it as it is
    }
    process.stdout.write(prefix + text + '\n');
  });
}

function startService(service, env, colour) {
  const child = spawn(process.execPath, [service.entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(service.name, child);
  pipeLogs(service.name, child.stdout, colour);
  pipeLogs(service.name, child.stderr, colour);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (!stopping) {
      log('start', `\x1b[31m${service.name} exited (${signal ?? code}); stopping the rest\x1b[0m`);
      shutdown(1);
    }
  });
}

async function waitReady(service, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!children.has(service.name)) throw new Error(`${service.name} exited before it was ready`);
    try {
      const res = await fetch(service.ready, { signal: AbortSignal.timeout(2000) });
      if (res.ok || (service.anyAnswer && res.status < 500)) return;
      last = `${res.status} ${(await res.text()).slice(0, 200)}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service.name} was not ready after ${timeoutMs / 1000}s at ${service.ready}: ${last}`);
}

function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log('start', 'stopping ...');
  for (const child of children.values()) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(code);
  }, 10000);
  force.unref();
  const check = setInterval(() => {
    if (children.size === 0) {
      clearInterval(check);
      process.exit(code);
    }
  }, 100);
}

async function main() {
  ensurePnpm();
  if (!process.env.SKIP_INSTALL) pnpmInstall();
  await checkDependencies();
  // SKIP_BUILD: run what is built already (a quick restart; the restart test, which runs after the build).
  if (!process.env.SKIP_BUILD) {
    log('start', 'building (tsc -b)');
    run('pnpm', ['exec', 'tsc', '-b']);
    if (existsSync(path.join(root, 'services/web/package.json'))) {
      log('start', 'building the web UI');
      run('pnpm', ['--filter', '@integrations/web', 'run', 'build']);
    }
  }

  const sandbox = (process.env.TELEGRAM_MODE ?? 'sandbox') === 'sandbox';
  const secret = devSecret(runDir);
  const emulatorUrl = `http://127.0.0.1:${process.env.EMULATOR_PORT ?? 8090}`;
  const whatsappEmulatorUrl = `http://127.0.0.1:${process.env.WHATSAPP_EMULATOR_PORT ?? 8091}`;
  const env = {
    ...process.env,
    AUTH_JWT_SECRET: secret,
    TELEGRAM_MODE: sandbox ? 'sandbox' : 'live',
    WHATSAPP_MODE: process.env.WHATSAPP_MODE ?? (sandbox ? 'sandbox' : 'live'),
    SECRETS_KEYRING_FILE: process.env.SECRETS_KEYRING_FILE ?? path.join(runDir, 'keyring.json'),
    // The emulator keeps its world here, so a restart finds the accounts and bots connected before.
    EMULATOR_STATE_FILE: process.env.EMULATOR_STATE_FILE ?? path.join(runDir, 'emulator-state.json'),
    // And the WhatsApp emulator its numbers, so the numbers connected before keep their tokens.
    WHATSAPP_EMULATOR_STATE_FILE:
      process.env.WHATSAPP_EMULATOR_STATE_FILE ?? path.join(runDir, 'whatsapp-emulator-state.json'),
    ...(sandbox
      ? {
          TELEGRAM_BOT_API_URL: process.env.TELEGRAM_BOT_API_URL ?? emulatorUrl,
          TELEGRAM_EMULATOR_URL: emulatorUrl,
          WHATSAPP_GRAPH_URL: process.env.WHATSAPP_GRAPH_URL ?? whatsappEmulatorUrl,
        }
      : {}),
  };

  const services = serviceTable().filter((s) => (sandbox || !s.sandboxOnly) && isAvailable(s));
  const running = new Set(services.map((s) => s.name));
  // The api only waits for the connectors that run: a missing one would make merged lists time out.
  env.API_CONNECTORS ??=
    ['bot', 'account', 'whatsapp'].filter((c) => running.has(`connector-${c}`)).join(',') || 'bot';
  const missing = serviceTable().filter((s) => !running.has(s.name) && (sandbox || !s.sandboxOnly));
  if (missing.length > 0) log('start', `not built yet, left out: ${missing.map((s) => s.name).join(', ')}`);

  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));

  for (const [i, service] of services.entries()) {
    startService(service, env, colours[i % colours.length]);
    await waitReady(service);
    log('start', `${service.name} ready`);
  }

  const token = mintDevToken(secret);
  const adminToken = mintDevToken(secret, {
    sub: 'dev-admin',
    scope: 'integrations:read integrations:write integrations:admin',
  });
  const lines = services.flatMap((s) =>
    Object.entries(s.urls).map(([what, url]) => `  ${what.padEnd(44)} ${url}`),
  );
  process.stdout.write(
    `\n\x1b[32mIntegration Service is up in ${((Date.now() - started) / 1000).toFixed(1)}s\x1b[0m\n${lines.join('\n')}\n\n` +
      `Dev token (sub=dev-user, read and write, 30 days):\n  ${token}\n\n` +
      `An admin token (full audit log, key rotation) is in ${path.relative(root, path.join(runDir, 'dev-admin-token'))}.\n\n` +
      `Try:  curl -H "Authorization: Bearer ${token.slice(0, 12)}…" http://127.0.0.1:${process.env.API_PORT ?? 8080}/api/integrations/logs\n` +
      `      (the full token is also in ${path.relative(root, path.join(runDir, 'dev-token'))})\nCtrl-C stops everything.\n\n`,
  );
  mkdirSync(runDir, { recursive: true });
  writeFileSync(path.join(runDir, 'dev-token'), token + '\n', { mode: 0o600 });
  writeFileSync(path.join(runDir, 'dev-admin-token'), adminToken + '\n', { mode: 0o600 });
}

main().catch((error) => {
  console.error(`\x1b[31m${error.message}\x1b[0m`);
  if (children.size > 0) shutdown(error.exitCode ?? 1);
  else process.exit(error.exitCode ?? 1);
});
