#!/usr/bin/env node
// Benchmark of the emulator's MTProto server with the real GramJS client (pinned 2.26.22):
//  1. sign-in time: handshake (auth key exchange) and code login, and code + 2FA (SRP) login, p50/p99;
//  2. call latency on a signed-in connection: `ping` (transport + MTProto 2.0 crypto, the floor) next to
//     `users.getUsers` and `messages.sendMessage` (the emulator's own work on top), sequential, p50/p99;
//  3. capacity: how many idle GramJS clients one emulator process holds, its RSS per connection, and whether
//     they all still answer after sitting idle through a ping interval.
// The emulator runs in a child process of its own; the clients run here.
//
//   pnpm exec tsc -b packages/telegram-emulator && node scripts/bench/mtproto.mjs
//   BENCH_LOGINS=20 BENCH_CALLS=500 BENCH_IDLE=2000 BENCH_IDLE_CONCURRENCY=16 node scripts/bench/mtproto.mjs
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, fmt, freePort, report, rssMiB, startEmulatorProcess } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const emulatorDir = path.join(root, 'packages/telegram-emulator');
const requireFromEmulator = createRequire(path.join(emulatorDir, 'package.json'));
const { Api } = requireFromEmulator('telegram');
const bigInt = requireFromEmulator('big-integer');
const { createEmulatorClient, EmulatorClient, signInWithCode } = requireFromEmulator('./dist/index.js');

const logins = Number(process.env.BENCH_LOGINS ?? 20);
const calls = Number(process.env.BENCH_CALLS ?? 500);
const idle = Number(process.env.BENCH_IDLE ?? 2000);
const idleConcurrency = Number(process.env.BENCH_IDLE_CONCURRENCY ?? 16);

const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function main() {
  const [port, mtprotoPort] = [await freePort(), await freePort()];
  const emulator = await startEmulatorProcess(root, { port, mtprotoPort });
  const url = `http://127.0.0.1:${port}`;
  const clients = [];
  try {
    const control = new EmulatorClient(url);
    const info = await control.mtproto();
    const readCode = (phone) => control.loginCode(phone);
    const make = (options = {}) => {
      const client = createEmulatorClient(info, { connectionRetries: 1, autoReconnect: false, ...options });
      clients.push(client);
      return client;
    };
    console.log(
      `MTProto emulator at 127.0.0.1:${mtprotoPort}; GramJS clients in this process (node ${process.version})`,
    );

    // 1. sign-in
    const handshake = [];
    const codeLogin = [];
    const passwordLogin = [];
    for (let i = 0; i < logins; i += 1) {
      const phone = `+1666${String(i).padStart(7, '0')}`;
      await control.createUser({ phone });
      const client = make();
      let t = performance.now();
      await client.connect();
      handshake.push(performance.now() - t);
      t = performance.now();
      await signInWithCode(client, { phone, readCode });
      codeLogin.push(performance.now() - t);
      await client.destroy();

      const twoFaPhone = `+1667${String(i).padStart(7, '0')}`;
      await control.createUser({ phone: twoFaPhone, password: 'bench-password' });
      const second = make();
      await second.connect();
      t = performance.now();
      await signInWithCode(second, { phone: twoFaPhone, readCode, password: 'bench-password' });
      passwordLogin.push(performance.now() - t);
      await second.destroy();
    }
    console.log('\n1. sign-in (sequential; the client side computes its DH and SRP in JavaScript)');
    report('handshake (auth key exchange)', handshake);
    report('code login (sendCode + signIn)', codeLogin);
    report('code + 2FA login (SRP, PBKDF2)', passwordLogin);

    // 2. call latency
    const sender = make();
    await control.createUser({ phone: '+16680000000', username: 'bench_sender' });
    await control.createUser({ phone: '+16680000001', username: 'bench_target' });
    await signInWithCode(sender, { phone: '+16680000000', readCode });
    const peer = await sender.getInputEntity('@bench_target');
    const time = async (fn) => {
      const samples = [];
      for (let i = 0; i < calls; i += 1) {
        const t = performance.now();
        await fn(i);
        samples.push(performance.now() - t);
      }
      return samples;
    };
    console.log('\n2. call latency on one signed-in connection (sequential)');
    const { p50: ping } = report(
      'ping (baseline: transport + crypto)',
      await time(() => sender.invoke(new Api.Ping({ pingId: bigInt(1) }))),
    );
    const { p50: getMe } = report('users.getUsers (getMe)', await time(() => sender.getMe()));
    const { p50: send } = report(
      'messages.sendMessage',
      await time((i) =>
        sender.invoke(
          new Api.messages.SendMessage({ peer, message: `bench ${i}`, randomId: bigInt(1_000_000 + i) }),
        ),
      ),
    );
    console.log(
      `   method work over the ping floor at p50: getMe +${fmt(getMe - ping)} ms, sendMessage +${fmt(send - ping)} ms`,
    );

    // 3. idle capacity
    const rssBefore = rssMiB(emulator.pid);
    const cpuBefore = { emulator: cpuSeconds(emulator.pid), clients: ownCpuSeconds() };
    const started = performance.now();
    let connected = 0;
    let failed = 0;
    const idleClients = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: idleConcurrency }, async () => {
        while (next < idle) {
          next += 1;
          const client = make();
          try {
            // connect() answers false instead of throwing when it gave up.
            if (!(await client.connect())) throw new Error('not connected');
            idleClients.push(client);
            connected += 1;
          } catch {
            failed += 1;
          }
        }
      }),
    );
    const connectSeconds = (performance.now() - started) / 1000;
    const rssAfter = rssMiB(emulator.pid);
    const cpu = {
      emulator: cpuSeconds(emulator.pid) - cpuBefore.emulator,
      clients: ownCpuSeconds() - cpuBefore.clients,
    };
    console.log(
      `\n3. idle clients: ${connected} connected, ${failed} failed, in ${fmt(connectSeconds)} s (${idleConcurrency} at a time)`,
    );
    console.log(
      `   emulator RSS ${fmt(rssBefore)} MiB -> ${fmt(rssAfter)} MiB: ${fmt(((rssAfter - rssBefore) * 1024) / Math.max(1, connected))} KiB per connection`,
    );
    console.log(
      `   CPU per handshake: emulator ${fmt((cpu.emulator * 1000) / Math.max(1, connected))} ms, GramJS client ${fmt((cpu.clients * 1000) / Math.max(1, connected))} ms`,
    );
    // Sit through a GramJS ping interval (9 s), then every client must still answer.
    await new Promise((r) => setTimeout(r, 10_000));
    const stats = await control.mtproto();
    let answered = 0;
    for (let i = 0; i < idleClients.length; i += 64) {
      const batch = idleClients.slice(i, i + 64);
      const results = await Promise.allSettled(batch.map((c) => c.invoke(new Api.help.GetConfig())));
      answered += results.filter((r) => r.status === 'fulfilled').length;
    }
    console.log(
      `   after 10 s idle: emulator reports ${stats.connections} live connections; ${answered}/${connected} answered help.getConfig`,
    );
  } finally {
    await Promise.allSettled(clients.map((c) => c.destroy()));
    emulator.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
