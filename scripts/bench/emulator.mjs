#!/usr/bin/env node
// Benchmark of the Telegram emulator's Bot API: sendMessage from the real grammY client, at a fixed rate and at
// maximum throughput, with latency percentiles; next to a raw node:http server answering the same JSON (the
// floor of the client and the transport), and a raw node:http client against the emulator (its own ceiling).
// The emulator and the baseline each run in a child process of their own (one core each, as in production).
//
//   pnpm exec tsc -b packages/telegram-emulator && node scripts/bench/emulator.mjs
//   BENCH_SECONDS=3 BENCH_RATE=1000 BENCH_CONCURRENCY=64 node scripts/bench/emulator.mjs
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, freePort, percentile, waitFor } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const emulatorDir = path.join(root, 'packages/telegram-emulator');
// grammY is the emulator package's dependency; resolve it from there.
const { Bot } = createRequire(path.join(emulatorDir, 'package.json'))('grammy');

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rate = Number(process.env.BENCH_RATE ?? 1000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);

// The baseline answers every request with the emulator's own answer to the same sendMessage (BODY), so both
// clients parse the same bytes and only the server differs.
const BASELINE = `
const http = require('node:http');
const body = Buffer.from(process.env.BODY);
http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

function child(args, env) {
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return proc;
}

/** CPU seconds a child has used so far (Linux /proc; clock ticks are 100 per second there). */
/** Runs one phase and adds what the server process spent: CPU per request and the rate one core could serve. */
async function withCpu(server, phase) {
  const before = cpuSeconds(server.pid);
  const count = await phase();
  const used = cpuSeconds(server.pid) - before;
  if (Number.isFinite(used) && used > 0) {
    console.log(
      `${''.padEnd(44)} server CPU ${used.toFixed(2)} s = ${((used * 1e6) / count).toFixed(0)} µs/request ` +
        `-> ~${Math.round(count / used)} requests/s on one core`,
    );
  }
}

function summary(name, latencies, elapsedMs, errors) {
  const sorted = Float64Array.from(latencies).sort();
  const fmt = (v) => v.toFixed(2).padStart(7);
  console.log(
    `${name.padEnd(44)} ${String(latencies.length).padStart(7)} ok ${String(errors).padStart(5)} err ` +
      `${(latencies.length / (elapsedMs / 1000)).toFixed(0).padStart(7)}/s   ` +
      `p50 ${fmt(percentile(sorted, 50))} ms  p95 ${fmt(percentile(sorted, 95))} ms  p99 ${fmt(percentile(sorted, 99))} ms  max ${fmt(sorted[sorted.length - 1] ?? NaN)} ms`,
  );
}

/** Closed loop: `concurrency` callers back to back for `seconds`. */
async function maxThroughput(name, send) {
  const latencies = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await send();
          latencies.push(performance.now() - t);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  summary(`${name} (max, ${concurrency} concurrent)`, latencies, performance.now() - start, errors);
  return latencies.length;
}

/** Open loop: requests started on schedule at `rate` per second for `seconds`, whatever the answers do. */
async function fixedRate(name, send, runSeconds = seconds) {
  const latencies = [];
  let errors = 0;
  const total = Math.round(rate * runSeconds);
  const start = performance.now();
  const inflight = [];
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) {
        sent += 1;
        const t = performance.now();
        inflight.push(
          send().then(
            () => latencies.push(performance.now() - t),
            () => (errors += 1),
          ),
        );
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inflight);
  summary(`${name} (${rate}/s fixed)`, latencies, performance.now() - start, errors);
  return latencies.length;
}

function rawSender(port, pathName, payload) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const body = Buffer.from(JSON.stringify(payload));
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: pathName,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(String(res.statusCode))),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

async function main() {
  const [emuPort, mtPort, basePort] = [await freePort(), await freePort(), await freePort()];
  const emulator = child([path.join(emulatorDir, 'dist/cli.js')], {
    EMULATOR_PORT: String(emuPort),
    EMULATOR_MTPROTO_PORT: String(mtPort),
    EMULATOR_LIMITS: 'off',
  });
  let baseline;
  try {
    const emuUrl = `http://127.0.0.1:${emuPort}`;
    await waitFor(`${emuUrl}/_emulator/health`);
    const post = async (p, body) =>
      (await fetch(`${emuUrl}/_emulator${p}`, { method: 'POST', body: JSON.stringify(body) })).json();
    const created = await post('/bots', { username: 'bench_bot' });
    const chat = await post('/chats', {
      type: 'channel',
      members: [{ botId: created.id, role: 'administrator' }],
    });
    const text = 'benchmark message';
    const sample = await fetch(`${emuUrl}/bot${created.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: chat.id, text }),
    });
    baseline = child(['-e', BASELINE], { PORT: String(basePort), BODY: await sample.text() });
    await waitFor(`http://127.0.0.1:${basePort}/`);

    const viaEmulator = new Bot(created.token, { client: { apiRoot: emuUrl } });
    const viaBaseline = new Bot(created.token, { client: { apiRoot: `http://127.0.0.1:${basePort}` } });
    const grammyEmu = () => viaEmulator.api.sendMessage(chat.id, text);
    const grammyBase = () => viaBaseline.api.sendMessage(chat.id, text);
    const rawEmu = rawSender(emuPort, `/bot${created.token}/sendMessage`, { chat_id: chat.id, text });
    const rawBase = rawSender(basePort, `/bot${created.token}/sendMessage`, { chat_id: chat.id, text });

    console.log(
      `sendMessage, ${seconds}s per run, Node ${process.version}, emulator and baseline in their own processes`,
    );
    // Warm-up (JIT, sockets), not reported.
    for (let i = 0; i < 500; i += 1) await Promise.all([grammyEmu(), grammyBase(), rawEmu(), rawBase()]);
    // ... and one quiet second at the fixed rate, so the first reported run does not pay the client's warm-up.
    const quiet = console.log;
    console.log = () => {};
    await fixedRate('warm-up', () => Promise.all([grammyEmu(), grammyBase()]), 1);
    console.log = quiet;

    await withCpu(emulator, () => fixedRate('grammY -> emulator', grammyEmu));
    await withCpu(baseline, () => fixedRate('grammY -> raw node:http baseline', grammyBase));
    await withCpu(emulator, () => fixedRate('raw node:http client -> emulator', rawEmu));
    await withCpu(baseline, () => fixedRate('raw node:http client -> raw baseline', rawBase));
    await withCpu(emulator, () => maxThroughput('grammY -> emulator', grammyEmu));
    await withCpu(baseline, () => maxThroughput('grammY -> raw node:http baseline', grammyBase));
    await withCpu(emulator, () => maxThroughput('raw node:http client -> emulator', rawEmu));
    await withCpu(baseline, () => maxThroughput('raw node:http client -> raw baseline', rawBase));
  } finally {
    emulator.kill('SIGTERM');
    baseline?.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
