#!/usr/bin/env node
// Benchmark of Telegram user accounts through the whole path (REST → api → RabbitMQ → account connector →
// emulator MTProto), each service in its own process, next to the real GramJS client doing the same directly
// against the emulator in the same run:
//  1. connect time, code + 2FA and QR: from `POST /connect` to `active`, against a direct GramJS login;
//  2. send latency as an account (sequential), against a direct GramJS `messages.sendMessage`;
//  3. scale: N connected accounts on one replica, its memory, and how long restoring them takes after a restart.
//
//   pnpm exec tsc -b && node scripts/bench/accounts.mjs
//   BENCH_LOGINS=20 BENCH_SENDS=200 BENCH_SESSIONS=200 node scripts/bench/accounts.mjs
import { randomBytes } from 'node:crypto';
import nodeHttp from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDependencies } from '../lib/bootstrap.mjs';
import { mintDevToken } from '../lib/dev-token.mjs';
import {
  createVhost,
  fmt,
  freePort,
  postRaw,
  report,
  rssMiB,
  startEmulatorProcess,
  startService,
  stopServices,
  waitFor,
  writeSyscalls,
} from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fromEmulator = createRequire(path.join(root, 'packages/telegram-emulator/package.json'));
const { Api } = fromEmulator('telegram');
const bigInt = fromEmulator('big-integer');
const { createEmulatorClient, EmulatorClient, signInWithCode } = fromEmulator('./dist/index.js');

const logins = Number(process.env.BENCH_LOGINS ?? 20);
const sends = Number(process.env.BENCH_SENDS ?? 200);
const sessions = Number(process.env.BENCH_SESSIONS ?? 200);

async function main() {
  await checkDependencies();
  const id = randomBytes(3).toString('hex');
  const vhost = `bench_${id}`;
  await createVhost(vhost);
  const [emulatorPort, mtprotoPort, accountPort, apiPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const secret = randomBytes(32).toString('base64url');
  const env = {
    AMQP_URL: `amqp://guest:guest@127.0.0.1:5672/${vhost}`,
    AUTH_JWT_SECRET: secret,
    // Every process must share the keys: the api seals a command's secret fields (the login code, the 2FA
    // password) with `integration-messages` for the connector.
    SECRETS_KEYRING: JSON.stringify({
      'telegram-sessions': { 1: randomBytes(32).toString('base64') },
      'integration-messages': { 1: randomBytes(32).toString('base64') },
    }),
    LOG_LEVEL: 'warn',
  };
  await startEmulatorProcess(root, { port: emulatorPort, mtprotoPort });
  const accountEnv = {
    ...env,
    CONNECTOR_ACCOUNT_PORT: String(accountPort),
    ACCOUNT_DATABASE: `bench_acct_${id}`,
    REDIS_PREFIX: `bench:${id}:account:`,
    TELEGRAM_EMULATOR_URL: `http://127.0.0.1:${emulatorPort}`,
    TELEGRAM_ACCOUNT_SEND_INTERVAL_MS: '0',
    TELEGRAM_HEALTH_SWEEP_MS: '0',
  };
  let connector = startService(root, 'services/connector-telegram-account/dist/main.js', accountEnv);
  const api = startService(root, 'services/api/dist/main.js', {
    ...env,
    API_PORT: String(apiPort),
    API_CONNECTORS: 'account',
    REDIS_PREFIX: `bench:${id}:api:`,
    RATE_LIMIT_PER_USER: '100000000',
    RATE_LIMIT_SENSITIVE: '100000000',
    RATE_LIMIT_PER_IP: '100000000',
    RATE_LIMIT_SENDS: '100000000',
  });
  await Promise.all(
    [accountPort, apiPort].map((p) => waitFor(`http://127.0.0.1:${p}/health/ready`, { ok: true })),
  );

  const control = new EmulatorClient(`http://127.0.0.1:${emulatorPort}`);
  const info = await control.mtproto();
  const readCode = (phone) => control.loginCode(phone);
  const token = mintDevToken(secret, { sub: 'bench-user' });
  const rest = async (method, urlPath, body) => {
    const res = await fetch(`http://127.0.0.1:${apiPort}/api/integrations${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json();
    if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
  const direct = [];
  const client = () => {
    const c = createEmulatorClient(info, { connectionRetries: 1, autoReconnect: false });
    direct.push(c);
    return c;
  };
  let phones = 0;
  const newUser = async (input = {}) => {
    phones += 1;
    const phone = `+1777${String(phones).padStart(7, '0')}`;
    await control.createUser({ phone, ...input });
    return phone;
  };
  console.log(
    `account connector and api in their own processes; GramJS baselines in this one (node ${process.version})`,
  );

  // 1. connect time
  const fullCode = [];
  const directCode = [];
  const accountIds = [];
  for (let i = 0; i < logins; i += 1) {
    const phone = await newUser({ password: 'bench-password' });
    let t = performance.now();
    const flow = await rest('POST', '/telegram/connect', { method: 'code', phone });
    await rest('POST', `/telegram/connect/${flow.flowId}/code`, { code: await readCode(phone) });
    const done = await rest('POST', `/telegram/connect/${flow.flowId}/password`, {
      password: 'bench-password',
    });
    fullCode.push(performance.now() - t);
    accountIds.push(done.accountId);

    const other = await newUser({ password: 'bench-password' });
    const c = client();
    t = performance.now();
    await signInWithCode(c, { phone: other, readCode, password: 'bench-password' });
    directCode.push(performance.now() - t);
    await c.destroy();
  }
  const fullQr = [];
  const directQr = [];
  for (let i = 0; i < logins; i += 1) {
    const phone = await newUser();
    let t = performance.now();
    const flow = await rest('POST', '/telegram/connect', { method: 'qr' });
    await control.scanQr({ url: flow.qr.url, phone });
    for (;;) {
      const state = await rest('GET', `/telegram/connect/${flow.flowId}`);
      if (state.status === 'active') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    fullQr.push(performance.now() - t);

    const other = await newUser();
    const c = client();
    t = performance.now();
    await c.connect();
    const scanned = new Promise((resolve) =>
      c.addEventHandler((u) => u instanceof Api.UpdateLoginToken && resolve()),
    );
    const exported = await c.invoke(
      new Api.auth.ExportLoginToken({ apiId: 1, apiHash: 'bench', exceptIds: [] }),
    );
    await control.scanQr({ token: exported.token.toString('base64url'), phone: other });
    await scanned;
    await c.invoke(new Api.auth.ExportLoginToken({ apiId: 1, apiHash: 'bench', exceptIds: [] }));
    directQr.push(performance.now() - t);
    await c.destroy();
  }
  console.log('\n1. connect time, POST /connect to active (sequential; each includes a new auth key)');
  const a = report('code + 2FA, full path', fullCode);
  const b = report('code + 2FA, GramJS directly (emulator time)', directCode);
  const c = report('QR, full path (polling the flow every 5 ms)', fullQr);
  const d = report('QR, GramJS directly (emulator time)', directQr);
  console.log(
    `   our own time: code + 2FA p50 ${fmt(a.p50 - b.p50)} ms, p99 ${fmt(a.p99 - b.p99)} ms; QR p50 ${fmt(c.p50 - d.p50)} ms, p99 ${fmt(c.p99 - d.p99)} ms`,
  );

  // 2. send latency
  await newUser({ username: 'bench_target' });
  const sender = accountIds[0];
  const full = [];
  // The timed sends go over a kept-alive node:http socket, as in send.mjs (see `postRaw`): fetch adds its own time.
  const agent = new nodeHttp.Agent({ keepAlive: true, maxSockets: 1 });
  const sendUrl = `http://127.0.0.1:${apiPort}/api/integrations/telegram/accounts/${sender}/send`;
  const sendHeaders = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const callsBefore = (await control.mtproto()).calls ?? {};
  const writes = () => ({ api: writeSyscalls(api.pid), connector: writeSyscalls(connector.pid) });
  const writesBefore = writes();
  for (let i = 0; i < sends; i += 1) {
    const t = performance.now();
    const answer = await postRaw(
      agent,
      sendUrl,
      sendHeaders,
      JSON.stringify({ to: '@bench_target', text: `full ${i}` }),
    );
    full.push(performance.now() - t);
    if (answer.status !== 200) throw new Error(`send answered ${answer.status}: ${answer.body}`);
  }
  agent.destroy();
  const writesAfter = writes();
  const fullCalls = callsSince(callsBefore, (await control.mtproto()).calls ?? {}, sends);
  const baseline = client();
  await signInWithCode(baseline, { phone: await newUser(), readCode });
  const peer = await baseline.getInputEntity('@bench_target');
  const afterBaseline = (await control.mtproto()).calls ?? {};
  const straight = [];
  for (let i = 0; i < sends; i += 1) {
    const t = performance.now();
    await baseline.invoke(
      new Api.messages.SendMessage({ peer, message: `direct ${i}`, randomId: bigInt(i + 1) }),
    );
    straight.push(performance.now() - t);
  }
  const directCalls = callsSince(afterBaseline, (await control.mtproto()).calls ?? {}, sends);
  console.log('\n2. send as an account (sequential)');
  const f = report('REST → api → RabbitMQ → connector → emulator', full);
  const g = report('GramJS → emulator (baseline)', straight);
  console.log(
    `   ratio p50 ${fmt(f.p50 / g.p50)}x, p99 ${fmt(f.p99 / g.p99)}x; overhead p50 ${fmt(f.p50 - g.p50)} ms`,
  );
  console.log(`   MTProto calls per send: full path ${fullCalls}; GramJS directly ${directCalls}`);
  const perSend = (name) => fmt((writesAfter[name] - writesBefore[name]) / sends);
  console.log(
    `   write syscalls per send (idle ones included): api ${perSend('api')}, connector ${perSend('connector')}`,
  );

  // 3. scale
  const rssBefore = rssMiB(connector.pid);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < sessions) {
        next += 1;
        const phone = await newUser();
        const flow = await rest('POST', '/telegram/connect', { method: 'code', phone });
        await rest('POST', `/telegram/connect/${flow.flowId}/code`, { code: await readCode(phone) });
      }
    }),
  );
  const total = sessions + logins * 2;
  const connectSeconds = (performance.now() - started) / 1000;
  const rssAfter = rssMiB(connector.pid);
  console.log(
    `\n3. ${total} live sessions on one replica (${sessions} connected in ${fmt(connectSeconds)} s, 8 at a time)`,
  );
  console.log(
    `   connector RSS ${fmt(rssBefore)} MiB -> ${fmt(rssAfter)} MiB (${fmt(((rssAfter - rssBefore) * 1024) / sessions)} KiB per session)`,
  );
  // A restart of our own: not the "exited early" the bench reports for a service that died.
  connector.removeAllListeners('exit');
  connector.kill('SIGTERM');
  await new Promise((resolve) => connector.once('exit', resolve));
  const restart = performance.now();
  connector = startService(root, 'services/connector-telegram-account/dist/main.js', accountEnv);
  await waitFor(`http://127.0.0.1:${accountPort}/health/ready`, { ok: true, timeoutMs: 300_000 });
  const restoreSeconds = (performance.now() - restart) / 1000;
  const stats = await control.mtproto();
  console.log(
    `   restart: ready with every session restored in ${fmt(restoreSeconds)} s; RSS ${fmt(rssMiB(connector.pid))} MiB; emulator: ${stats.connections} connections, ${stats.duplicates} AUTH_KEY_DUPLICATED`,
  );
  await Promise.allSettled(direct.map((x) => x.destroy()));
}

/** What the emulator answered between two `calls` snapshots, per send: `messages.SendMessage 1, …`. */
function callsSince(before, after, n) {
  const diff = Object.entries(after)
    .map(([method, count]) => [method, (count - (before[method] ?? 0)) / n])
    .filter(([, perSend]) => perSend > 0)
    .sort((x, y) => y[1] - x[1]);
  return diff.length === 0 ? 'none' : diff.map(([method, perSend]) => `${method} ${fmt(perSend)}`).join(', ');
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopServices();
    // GramJS clients keep timers of their own after `destroy()`; the run is over once the services stopped.
    process.exit();
  });
