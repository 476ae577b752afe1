#!/usr/bin/env node
// Benchmark of the whole send path against the real stack: REST api → RabbitMQ → bot connector → emulator →
// MariaDB, outbox → audit-log, each service in its own process as `npm start` runs them. Next to it, in the same
// run, the baseline: the same sendMessage from grammY straight to the emulator (what a send costs without us).
//
// Several loads (BENCH_LOADS, requests in flight), many bots each with its own group (BENCH_BOTS), BENCH_REQUESTS
// sends per row; afterwards every chat is counted in the emulator: nothing lost, nothing sent twice.
//   pnpm exec tsc -b && node scripts/bench/send.mjs
//   BENCH_REQUESTS=2000 BENCH_LOADS=1,16,64 BENCH_BOTS=20 node scripts/bench/send.mjs
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createVhost,
  freePort,
  percentile,
  startEmulatorProcess,
  startService,
  stopServices,
  waitFor,
} from './lib.mjs';
import { checkDependencies } from '../lib/bootstrap.mjs';
import { mintDevToken } from '../lib/dev-token.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Api } = createRequire(path.join(root, 'services/connector-telegram-bot/package.json'))('grammy');
const requests = Number(process.env.BENCH_REQUESTS ?? 1000);
const loads = (process.env.BENCH_LOADS ?? '1,16,64').split(',').map(Number);
const botCount = Number(process.env.BENCH_BOTS ?? 20);

/** Runs `count` calls with `concurrency` in flight; answers throughput and latency percentiles in ms. */
async function measure(label, concurrency, call) {
  for (let i = 0; i < 50; i++) await call(-1 - i); // warm-up (counted in the totals too)
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const row = {
    path: label,
    'in flight': concurrency,
    'req/s': Math.round(requests / seconds),
    'p50 ms': percentile(latencies, 50).toFixed(2),
    'p95 ms': percentile(latencies, 95).toFixed(2),
    'p99 ms': percentile(latencies, 99).toFixed(2),
    'max ms': latencies.at(-1).toFixed(2),
  };
  return row;
}

async function main() {
  await checkDependencies();
  const id = randomBytes(3).toString('hex');
  const vhost = `bench_${id}`;
  await createVhost(vhost);
  const [emulatorPort, apiPort, botPort, auditPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const secret = randomBytes(32).toString('base64url');
  const env = {
    AMQP_URL: `amqp://guest:guest@127.0.0.1:5672/${vhost}`,
    AUTH_JWT_SECRET: secret,
    TELEGRAM_BOT_API_URL: `http://127.0.0.1:${emulatorPort}`,
    SECRETS_KEYRING: JSON.stringify({ 'telegram-bots': { 1: randomBytes(32).toString('base64') } }),
    LOG_LEVEL: 'warn',
  };
  await startEmulatorProcess(root, { port: emulatorPort });
  startService(root, 'services/audit-log/dist/main.js', {
    ...env,
    AUDIT_LOG_PORT: String(auditPort),
    AUDIT_DATABASE: `bench_audit_${id}`,
  });
  startService(root, 'services/connector-telegram-bot/dist/main.js', {
    ...env,
    CONNECTOR_BOT_PORT: String(botPort),
    BOT_DATABASE: `bench_bot_${id}`,
    REDIS_PREFIX: `bench:${id}:bot:`,
    // Telegram's limits are the emulator's business here: it has them off, so the throttle must not queue.
    TELEGRAM_LIMIT_PER_BOT: '1000000',
    TELEGRAM_LIMIT_PER_CHAT_MS: '0',
    TELEGRAM_LIMIT_PER_GROUP: '1000000',
  });
  startService(root, 'services/api/dist/main.js', {
    ...env,
    API_PORT: String(apiPort),
    API_CONNECTORS: 'bot',
    REDIS_PREFIX: `bench:${id}:api:`,
    // A benchmark is one user sending as fast as it can: lift the api's per-user limits for it.
    RATE_LIMIT_PER_USER: '100000000',
    RATE_LIMIT_SENSITIVE: '100000000',
    RATE_LIMIT_PER_IP: '100000000',
  });
  await Promise.all(
    [auditPort, botPort, apiPort].map((p) => waitFor(`http://127.0.0.1:${p}/health/ready`, { ok: true })),
  );

  const emulator = `http://127.0.0.1:${emulatorPort}`;
  const control = (p, body) =>
    fetch(`${emulator}/_emulator${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  const token = mintDevToken(secret, { sub: 'bench-user' });
  const api = `http://127.0.0.1:${apiPort}/api/integrations`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // Each bot has two groups: one for the baseline, one for the pipeline, so each can be counted on its own.
  const bots = [];
  for (let b = 0; b < botCount; b++) {
    const bot = await control('/bots', { username: `bench${b}_bot` });
    const direct = await control('/chats', {
      type: 'supergroup',
      title: `direct ${b}`,
      members: [{ botId: bot.id, role: 'member' }],
    });
    const piped = await control('/chats', {
      type: 'supergroup',
      title: `piped ${b}`,
      members: [{ botId: bot.id, role: 'member' }],
    });
    const connected = await (
      await fetch(`${api}/telegram/bots`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ token: bot.token }),
      })
    ).json();
    bots.push({
      api: new Api(bot.token, { apiRoot: emulator }),
      id: connected.id,
      direct: direct.id,
      piped: piped.id,
    });
  }
  const rows = [];
  let accepted = 0;
  let sentDirect = 0;
  for (const concurrency of loads) {
    const baseline = await measure('grammY → emulator (baseline)', concurrency, async (i) => {
      const bot = bots[Math.abs(i) % bots.length];
      await bot.api.sendMessage(bot.direct, `direct ${i}`);
      sentDirect += 1;
    });
    const piped = await measure('REST → api → RabbitMQ → connector → emulator', concurrency, async (i) => {
      const bot = bots[Math.abs(i) % bots.length];
      const res = await fetch(`${api}/telegram/bots/${bot.id}/send`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ chatId: bot.piped, text: `piped ${i}` }),
      });
      if (res.status !== 200) throw new Error(`send answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      accepted += 1;
    });
    const queued = await measure('REST, Prefer: respond-async (202)', concurrency, async (i) => {
      const bot = bots[Math.abs(i) % bots.length];
      const res = await fetch(`${api}/telegram/bots/${bot.id}/send`, {
        method: 'POST',
        headers: { ...headers, prefer: 'respond-async' },
        body: JSON.stringify({ chatId: bot.piped, text: `async ${i}` }),
      });
      if (res.status !== 202) throw new Error(`send answered ${res.status}`);
      await res.arrayBuffer();
      accepted += 1;
    });
    rows.push(baseline, piped, queued);
    const ratio = (Number(piped['p50 ms']) / Number(baseline['p50 ms'])).toFixed(1);
    console.log(
      `in flight ${concurrency}: pipeline p50 ${piped['p50 ms']} ms vs baseline ${baseline['p50 ms']} ms (x${ratio}), overhead ${(Number(piped['p50 ms']) - Number(baseline['p50 ms'])).toFixed(2)} ms; ${piped['req/s']} vs ${baseline['req/s']} sends/s`,
    );
  }
  console.log(`\n${requests} sends per row over ${bots.length} bots, each service in its own process:`);
  console.table(rows);

  // Count what reached "Telegram": every accepted send exactly once (async ones may still be finishing).
  const count = async (kind) => {
    let total = 0;
    for (const bot of bots) {
      const messages = await (
        await fetch(`${emulator}/_emulator/chats/${encodeURIComponent(bot[kind])}/messages`)
      ).json();
      total += messages.length;
    }
    return total;
  };
  let delivered = await count('piped');
  for (let waited = 0; delivered < accepted && waited < 30000; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    delivered = await count('piped');
  }
  console.log(
    `pipeline: ${accepted} sends accepted (warm-ups included), ${delivered} in the emulator: ${delivered === accepted ? 'none lost, none twice' : 'MISMATCH'}`,
  );
  console.log(`baseline: ${sentDirect} sent, ${await count('direct')} in the emulator`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(stopServices);
