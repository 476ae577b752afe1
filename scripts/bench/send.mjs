#!/usr/bin/env node
// Benchmark of the whole send path against the real stack: REST api → RabbitMQ → bot connector → emulator →
// MariaDB, outbox → audit-log, each service in its own process as `npm start` runs them. Next to it, in the same
// run, the baseline: the same sendMessage from grammY straight to the emulator (what a send costs without us), and
// the way other platform services send: a `telegram.bot.channel.send` command published to `integrations.commands`.
//
// Several loads (BENCH_LOADS, requests in flight), many bots each with its own groups (BENCH_BOTS), BENCH_REQUESTS
// sends per row; BENCH_PATHS picks the paths (baseline,rest,rest-async,amqp; also rest-accept: the async 202 with
// the bot connector held stopped while a row runs, so that the row times the api's own accept rather than the
// accept plus the CPU the rest of the pipeline takes from it on this machine). For each path it also says where
// the cost goes (see costs.mjs): CPU ms per send of every process, and per send the broker publishes and
// deliveries, SQL statements, Redis commands and HTTP calls. Afterwards every chat is counted in the emulator:
// nothing lost, nothing sent twice. BENCH_JSON=<file> writes the results as JSON as well. Before the paths, the
// stack is measured at rest for BENCH_IDLE_MS (3,000 by default): its pollers' SQL statements and Redis commands
// per second and each process's CPU, printed, and subtracted from every path's costs.
//   pnpm exec tsc -b && node scripts/bench/send.mjs
//   BENCH_REQUESTS=2000 BENCH_LOADS=1,16,64 BENCH_BOTS=20 BENCH_JSON=bench.json node scripts/bench/send.mjs
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import nodeHttp from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  brokerCounter,
  perSendByName,
  httpCounter,
  pidOf,
  redisCounter,
  round,
  sampler,
  sqlCounter,
  startRedis,
} from './costs.mjs';
import {
  createVhost,
  deleteVhost,
  freePort,
  percentile,
  postRaw,
  startEmulatorProcess,
  startService,
  stopServices,
  waitFor,
} from './lib.mjs';
import { checkDependencies } from '../lib/bootstrap.mjs';
import { mintDevToken } from '../lib/dev-token.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Api } = createRequire(path.join(root, 'services/connector-telegram-bot/package.json'))('grammy');
const { Messaging } = createRequire(path.join(root, 'services/api/package.json'))('@integrations/messaging');
const requests = Number(process.env.BENCH_REQUESTS ?? 1000);
const loads = (process.env.BENCH_LOADS ?? '1,16,64').split(',').map(Number);
const botCount = Number(process.env.BENCH_BOTS ?? 20);
const paths = (process.env.BENCH_PATHS ?? 'baseline,rest,rest-async,amqp').split(',');
const WARM_UP = 50;
// Sends per path before its first row, 16 in flight: the services are fresh processes, and until V8 has compiled
// their hot paths (tens of seconds of traffic) a row measures the JIT compiler as much as the send path.
const PATH_WARM_UP = Number(process.env.BENCH_WARMUP ?? 2000);
const LABELS = {
  baseline: 'grammY → emulator (baseline)',
  rest: 'REST → api → RabbitMQ → connector → emulator',
  'rest-async': 'REST, Prefer: respond-async (202)',
  'rest-accept': 'REST 202 accept alone (bot connector held)',
  amqp: 'AMQP command → connector → emulator',
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `requests` calls with `concurrency` in flight after a warm-up; answers the calls' throughput and latency
 * percentiles in ms. With `delivered` (a path that answers before the send is done), throughput is what reached
 * the emulator: counted until `delivered()` reaches every call made, warm-up included. `hold` stops a process
 * while the calls are timed and resumes it after.
 */
async function measure(concurrency, call, delivered, hold) {
  for (let i = 0; i < WARM_UP; i++) await call(-1 - i);
  if (delivered) await until(async () => (await delivered.count()) >= delivered.before + WARM_UP, 'warm-up');
  const latencies = [];
  let next = 0;
  hold?.stop();
  const started = performance.now();
  try {
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
  } finally {
    hold?.resume();
  }
  let seconds = (performance.now() - started) / 1000;
  const accepted = requests / seconds;
  if (delivered) {
    await until(
      async () => (await delivered.count()) >= delivered.before + WARM_UP + requests,
      'delivery',
      5,
    );
    seconds = (performance.now() - started) / 1000;
  }
  latencies.sort((a, b) => a - b);
  return {
    inFlight: concurrency,
    sendsPerSec: Math.round(requests / seconds),
    ...(delivered ? { acceptedPerSec: Math.round(accepted) } : {}),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1)),
  };
}

/** Polls `check` every `everyMs` until it holds, for up to a minute. */
async function until(check, what, everyMs = 50) {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within a minute`);
    await sleep(everyMs);
  }
}

async function main() {
  await checkDependencies();
  const id = randomBytes(3).toString('hex');
  const vhost = `bench_${id}`;
  await createVhost(vhost);
  const redis = await startRedis();
  stopLast.push(redis.stop);
  const sql = await sqlCounter(root, 'bench_');
  // After the services stopped: the run's databases and vhost go, with its MariaDB user.
  stopLast.push(
    () => sql.close([`bench_audit_${id}`, `bench_bot_${id}`]),
    () => deleteVhost(vhost),
  );
  const http = httpCounter();
  stopLast.push(http.remove);
  const [emulatorPort, apiPort, botPort, auditPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const secret = randomBytes(32).toString('base64url');
  const amqpUrl = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
  const env = {
    AMQP_URL: amqpUrl,
    MYSQL_URL: sql.url,
    REDIS_URL: redis.url,
    AUTH_JWT_SECRET: secret,
    TELEGRAM_BOT_API_URL: `http://127.0.0.1:${emulatorPort}`,
    // Every process must share the keys: the api seals a command's secret fields (the bot token) with
    // `integration-messages` for the connector.
    SECRETS_KEYRING: JSON.stringify({
      'telegram-bots': { 1: randomBytes(32).toString('base64') },
      'integration-messages': { 1: randomBytes(32).toString('base64') },
    }),
    LOG_LEVEL: 'warn',
  };
  const emulatorProcess = await startEmulatorProcess(root, { port: emulatorPort, env: http.env('emulator') });
  const audit = startService(root, 'services/audit-log/dist/main.js', {
    ...env,
    ...http.env('audit-log'),
    AUDIT_LOG_PORT: String(auditPort),
    AUDIT_DATABASE: `bench_audit_${id}`,
  });
  const connector = startService(root, 'services/connector-telegram-bot/dist/main.js', {
    ...env,
    ...http.env('connector-bot'),
    CONNECTOR_BOT_PORT: String(botPort),
    BOT_DATABASE: `bench_bot_${id}`,
    REDIS_PREFIX: `bench:${id}:bot:`,
    // Telegram's limits are the emulator's business here: it has them off, so the throttle must not queue.
    TELEGRAM_LIMIT_PER_BOT: '1000000',
    TELEGRAM_LIMIT_PER_CHAT_MS: '0',
    TELEGRAM_LIMIT_PER_GROUP: '1000000',
  });
  const apiProcess = startService(root, 'services/api/dist/main.js', {
    ...env,
    ...http.env('api'),
    API_PORT: String(apiPort),
    API_CONNECTORS: 'bot',
    REDIS_PREFIX: `bench:${id}:api:`,
    // A benchmark is one user sending as fast as it can: lift the api's per-user limits for it.
    RATE_LIMIT_PER_USER: '100000000',
    RATE_LIMIT_SENSITIVE: '100000000',
    RATE_LIMIT_PER_IP: '100000000',
  });
  await Promise.all(
    [auditPort, botPort, apiPort].map((p) =>
      // Migrations and start-up take a while on a loaded machine (other work beside the bench).
      waitFor(`http://127.0.0.1:${p}/health/ready`, { ok: true, timeoutMs: 180_000 }),
    ),
  );
  // The platform service of the AMQP path: it publishes commands with publisher confirms, as any service does.
  const platform = await Messaging.connect({ url: amqpUrl, service: 'bench-platform' });
  cleanups.unshift(() => platform.close());

  const emulator = `http://127.0.0.1:${emulatorPort}`;
  const control = (p, body) =>
    fetch(`${emulator}/_emulator${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`emulator ${p} answered ${r.status}: ${await r.text()}`);
      return r.json();
    });
  const token = mintDevToken(secret, { sub: 'bench-user' });
  const api = `http://127.0.0.1:${apiPort}/api/integrations`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = async (p, body, status) => {
    const res = await fetch(`${api}${p}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status !== status) throw new Error(`POST ${p} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  // Each bot has a group per path, so each path is counted on its own.
  const bots = [];
  for (let b = 0; b < botCount; b++) {
    const bot = await control('/bots', { username: `bench${b}_bot` });
    const chats = {};
    for (const kind of Object.keys(LABELS)) {
      chats[kind] = (
        await control('/chats', {
          type: 'supergroup',
          title: `${kind} ${b}`,
          members: [{ botId: bot.id, role: 'member' }],
        })
      ).id;
    }
    const connected = await post('/telegram/bots', { token: bot.token }, 201);
    const channel = await post(
      '/telegram/channels',
      { chat: String(chats.amqp), via: { type: 'bot', id: connected.id } },
      201,
    );
    bots.push({
      api: new Api(bot.token, { apiRoot: emulator }),
      id: connected.id,
      chats,
      channel: channel.id,
    });
  }
  const botOf = (i) => bots[Math.abs(i) % bots.length];

  // What each path sends (every text unique, so the emulator's chats tell lost from sent twice).
  const sent = Object.fromEntries(Object.keys(LABELS).map((kind) => [kind, []]));
  // The sends themselves go over node:http with kept-alive connections rather than fetch (undici), which costs
  // this client about twice the CPU per request; the client shares the 2 cores with what it measures.
  const agent = new nodeHttp.Agent({ keepAlive: true, maxSockets: Math.max(...loads) });
  cleanups.unshift(async () => agent.destroy());
  const restSend = (kind, extra, status) => async (i, label) => {
    const bot = botOf(i);
    const text = `${kind} ${label} ${i}`;
    const answer = await postRaw(
      agent,
      `${api}/telegram/bots/${bot.id}/send`,
      { ...headers, ...extra },
      JSON.stringify({ chatId: bot.chats[kind], text }),
    );
    if (answer.status !== status) throw new Error(`send answered ${answer.status}: ${answer.body}`);
    sent[kind].push(text);
  };
  const senders = {
    baseline: async (i, label) => {
      const bot = botOf(i);
      const text = `baseline ${label} ${i}`;
      await bot.api.sendMessage(bot.chats.baseline, text);
      sent.baseline.push(text);
    },
    rest: restSend('rest', {}, 200),
    'rest-async': restSend('rest-async', { prefer: 'respond-async' }, 202),
    'rest-accept': restSend('rest-accept', { prefer: 'respond-async' }, 202),
    amqp: async (i, label) => {
      const bot = botOf(i);
      const text = `amqp ${label} ${i}`;
      await platform.sendCommand(
        'telegram.bot.channel.send',
        { channelId: bot.channel, text },
        { userId: 'bench-user' },
      );
      sent.amqp.push(text);
    },
  };
  // sendMessage calls the emulator served, to time the paths that answer before the send is done (a signal and a
  // file read: polling it costs the measured processes next to nothing).
  const emulatorSends = () => http.read({ emulator: emulatorProcess.pid }, { sendMessage: true });

  const processes = {
    api: apiProcess.pid,
    'connector-bot': connector.pid,
    'audit-log': audit.pid,
    emulator: emulatorProcess.pid,
    redis: redis.pid,
    rabbitmq: pidOf('beam.smp'),
    mariadb: pidOf('mariadbd', 'mysqld'),
  };
  const broker = brokerCounter(vhost);
  const redisCount = redisCounter(root, redis.url);
  cleanups.unshift(() => redisCount.close());
  const costs = sampler({
    processes,
    sql,
    redis: redisCount,
    broker,
    http,
    httpProcesses: { api: apiProcess.pid, emulator: emulatorProcess.pid },
  });
  await broker.settled();
  const idle = await costs.idle(Number(process.env.BENCH_IDLE_MS ?? 3000));
  // What the stack costs doing nothing (its pollers and timers): subtracted from every path's costs below.
  const idleCpu = Object.entries(idle.cpu)
    .filter(([name]) => name !== 'client')
    .map(([name, seconds]) => `${name} ${(seconds * 1000).toFixed(1)}`)
    .join(', ');
  console.log(
    `At rest: ${idle.sql.toFixed(1)} SQL statements/s, ${idle.redis.toFixed(1)} Redis commands/s; ` +
      `CPU ms/s ${idleCpu}`,
  );

  const rows = [];
  const byPath = {};
  const details = {};
  for (const kind of paths) {
    if (PATH_WARM_UP > 0) {
      const delivered = kind === 'rest' || kind === 'baseline' ? undefined : await emulatorSends();
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < PATH_WARM_UP) await senders[kind](-1 - next++, 'warm');
        }),
      );
      if (delivered !== undefined)
        await until(async () => (await emulatorSends()) >= delivered + PATH_WARM_UP, 'path warm-up');
      // The broker's statistics lag: the warm-up's publishes must be in them before the path's start sample.
      await broker.settled();
    }
    const detailStart = { sql: await sql.detail(), redis: await redisCount.detail() };
    const start = await costs.sample();
    const before = sent[kind].length;
    for (const concurrency of loads) {
      const label = `x${concurrency}`;
      const call = (i) => senders[kind](i, label);
      const delivered =
        kind === 'rest' || kind === 'baseline'
          ? undefined
          : { count: emulatorSends, before: await emulatorSends() };
      // The connector is stopped (SIGSTOP) only while the row's timed sends are accepted; the broker holds them.
      const hold =
        kind === 'rest-accept'
          ? {
              stop: () => process.kill(connector.pid, 'SIGSTOP'),
              resume: () => process.kill(connector.pid, 'SIGCONT'),
            }
          : undefined;
      const row = await measure(concurrency, call, delivered, hold);
      rows.push({ path: kind, ...row });
      console.log(
        `${LABELS[kind]}, ${concurrency} in flight: ${row.sendsPerSec} sends/s, p50 ${row.p50Ms} ms`,
      );
    }
    const end = await costs.sample();
    const sends = sent[kind].length - before;
    const detailEnd = { sql: await sql.detail(), redis: await redisCount.detail() };
    byPath[kind] = costs.perSend(start, end, await broker.settled(), sends, idle);
    details[kind] = {
      ...perSendByName(detailStart.sql, detailEnd.sql, sends),
      ...Object.fromEntries(
        Object.entries(perSendByName(detailStart.redis, detailEnd.redis, sends)).map(([k, v]) => [
          `redis ${k}`,
          v,
        ]),
      ),
    };
  }

  console.log(
    `\n${requests} sends per row over ${bots.length} bots, each service in its own process; ` +
      `load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} on ${os.cpus().length} cores.` +
      `\nAsync paths: sends/s counted until the emulator had them, latency to the 202 or the broker's confirm:`,
  );
  console.table(rows.map(({ path: kind, ...row }) => ({ path: LABELS[kind], ...row })));
  console.log('CPU ms per send, by process (idle rate subtracted; total without the benchmark client):');
  console.table(Object.fromEntries(Object.entries(byPath).map(([kind, c]) => [kind, c.cpuMsPerSend])));
  console.log('Write syscalls per send, by process (/proc/<pid>/io syscw, idle rate subtracted):');
  console.table(Object.fromEntries(Object.entries(byPath).map(([kind, c]) => [kind, c.writesPerSend])));
  console.log(
    'Per send: broker publishes and deliveries, SQL statements, Redis commands, HTTP requests served:',
  );
  console.table(Object.fromEntries(Object.entries(byPath).map(([kind, c]) => [kind, c.perSend])));
  console.log('The same by kind (SQL reads, writes, other) and Redis command, idle polling included:');
  console.table(details);

  // Count what reached "Telegram": every send exactly once.
  let lost = 0;
  let duplicated = 0;
  for (const kind of paths) {
    const seen = new Map();
    for (const bot of bots) {
      const messages = await (
        await fetch(`${emulator}/_emulator/chats/${encodeURIComponent(bot.chats[kind])}/messages`)
      ).json();
      for (const { text } of messages) seen.set(text, (seen.get(text) ?? 0) + 1);
    }
    const missing = sent[kind].filter((text) => !seen.has(text)).length;
    const twice = [...seen.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    lost += missing;
    duplicated += twice;
    console.log(
      `${kind}: ${sent[kind].length} sent (warm-ups included), ${seen.size} distinct in the emulator, ` +
        `${missing} lost, ${twice} twice`,
    );
  }

  if (process.env.BENCH_JSON) {
    // The headline costs are the REST path's (or the first path run, when it was not).
    const headline = byPath.rest ?? byPath[paths[0]];
    const { http: _http, ...perSend } = headline.perSend;
    const result = {
      rows: rows.map(({ path: p, inFlight, sendsPerSec, p50Ms, p95Ms, p99Ms }) => ({
        path: p,
        inFlight,
        sendsPerSec,
        p50Ms,
        p95Ms,
        p99Ms,
      })),
      cpuMsPerSend: headline.cpuMsPerSend,
      writeSyscallsPerSend: headline.writesPerSend,
      perSend,
      atRest: { sqlPerSec: idle.sql, redisPerSec: idle.redis },
      lost,
      duplicated,
    };
    writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`results written to ${process.env.BENCH_JSON}`);
  }
  if (lost || duplicated) process.exitCode = 1;
}

/** Connections of the benchmark itself, closed before the services stop. */
const cleanups = [];
/** What is undone after the services stopped: the run's Redis, databases, vhost, MariaDB user. */
const stopLast = [];

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const cleanup of cleanups) await cleanup().catch((error) => console.error(error));
    await stopServices();
    for (const stop of stopLast) await stop().catch((error) => console.error(error));
  });
