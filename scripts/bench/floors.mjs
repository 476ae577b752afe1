#!/usr/bin/env node
// The floors under a send on this machine, measured one at a time (latency of one operation, nothing else in
// flight): what a durable send cannot cost less than, whatever our code does. A send that must survive a crash
// writes a quorum queue (its confirm waits for an fsync) and commits in MariaDB (an fsync per commit with
// innodb_flush_log_at_trx_commit=1); a commit's latency is the disk's, not ours. Some are timed twice: back to back,
// and after BENCH_GAP_MS (7 by default) of idle before each, as each process of a send's path is idle between its
// turns at one in flight.
//   node scripts/bench/floors.mjs            BENCH_N=200 BENCH_GAP_MS=7 node scripts/bench/floors.mjs
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createVhost,
  deleteVhost,
  freePort,
  postRaw,
  report,
  startEmulatorProcess,
  stopServices,
} from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fromKit = createRequire(path.join(root, 'packages/persistence/package.json'));
const mysql = fromKit('mysql2/promise');
const fromApi = createRequire(path.join(root, 'services/api/package.json'));
const { Redis } = fromApi('ioredis');
const amqp = createRequire(path.join(root, 'packages/messaging/package.json'))('amqplib');
const { Messaging } = fromApi('@integrations/messaging');
const n = Number(process.env.BENCH_N ?? 200);
/** About how long each process of a send's path sits idle between its turns at one in flight. */
const gapMs = Number(process.env.BENCH_GAP_MS ?? 7);
const { Api } = createRequire(path.join(root, 'services/connector-telegram-bot/package.json'))('grammy');

/**
 * Runs `op` n times, one at a time, after a few warm-ups; answers the latencies in ms, ascending. With `gapMs`,
 * each run waits that long first: the processes go idle in between, as each one in a send's path does between its
 * turns at one in flight.
 */
async function time(op, { gapMs = 0, warmUps = 10 } = {}) {
  for (let i = 0; i < warmUps; i += 1) await op(i);
  const samples = [];
  for (let i = 0; i < n; i += 1) {
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    const start = process.hrtime.bigint();
    await op(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

async function mariadb() {
  const database = `bench_floor_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await admin.query(`CREATE DATABASE ${database}`);
  const db = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database });
  try {
    await db.query('CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64)) ENGINE=InnoDB');
    const [[flush]] = await db.query("SHOW VARIABLES LIKE 'innodb_flush_log_at_trx_commit'");
    console.log(`MariaDB innodb_flush_log_at_trx_commit=${flush.Value}`);
    report('MariaDB SELECT 1', await time(() => db.query('SELECT 1')));
    report('MariaDB INSERT, committed (fsync)', await time(() => db.query("INSERT INTO t (v) VALUES ('x')")));
    await db.query('START TRANSACTION');
    report(
      'MariaDB INSERT inside a transaction',
      await time(() => db.query("INSERT INTO t (v) VALUES ('x')")),
    );
    await db.query('COMMIT');
  } finally {
    await db.end();
    await admin.query(`DROP DATABASE ${database}`);
    await admin.end();
  }
}

async function redis() {
  const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await client.connect();
  try {
    report('Redis PING', await time(() => client.ping()));
    report(`Redis PING, ${gapMs} ms idle before each`, await time(() => client.ping(), { gapMs }));
  } finally {
    client.disconnect();
  }
}

async function rabbitmq() {
  const vhost = `bench-floor-${randomBytes(4).toString('hex')}`;
  await createVhost(vhost);
  const connection = await amqp.connect(`amqp://guest:guest@127.0.0.1:5672/${vhost}`, { noDelay: true });
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('quorum', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.assertQueue('classic', { durable: true });
    const body = Buffer.from(JSON.stringify({ text: 'x'.repeat(200) }));
    const publish = (queue) => () =>
      new Promise((resolve, reject) =>
        channel.sendToQueue(queue, body, { persistent: true }, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    report('RabbitMQ publish confirmed, quorum queue', await time(publish('quorum')));
    report('RabbitMQ publish confirmed, classic durable', await time(publish('classic')));
    // A round trip through the broker to a consumer and back, without confirms (what request/reply costs).
    const rpc = await connection.createChannel();
    await rpc.assertQueue('echo', { durable: false, exclusive: true });
    await rpc.consume(
      'echo',
      (msg) =>
        rpc.sendToQueue(msg.properties.replyTo, msg.content, { correlationId: msg.properties.correlationId }),
      { noAck: true },
    );
    const replies = new Map();
    await rpc.consume('amq.rabbitmq.reply-to', (msg) => replies.get(msg.properties.correlationId)?.(), {
      noAck: true,
    });
    report(
      'RabbitMQ request/reply (direct reply-to)',
      await time(
        (i) =>
          new Promise((resolve) => {
            replies.set(String(i), resolve);
            rpc.sendToQueue('echo', body, { replyTo: 'amq.rabbitmq.reply-to', correlationId: String(i) });
          }),
      ),
    );
    await ourRequestReply(vhost);
  } finally {
    await connection.close();
    await deleteVhost(vhost);
  }
}

/**
 * The same round trip through our messaging package, as the api asks a connector: a command envelope on a
 * durable lane, acked, its reply validated. A handler that answers at once, so the difference to the row above
 * is the package's own cost (envelopes, validation, acks, tracing hooks), not a connector's work.
 */
async function ourRequestReply(vhost) {
  const url = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
  const server = await Messaging.connect({ url, service: 'bench-floor-server' });
  const client = await Messaging.connect({ url, service: 'bench-floor-client' });
  const bot = {
    id: 'b1',
    telegramBotId: '123',
    username: 'floor_bot',
    firstName: 'Floor',
    status: 'active',
    isActive: true,
    label: null,
    updatesMode: 'polling',
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
  };
  try {
    await server.consumeCommands({
      queue: 'bench-floor',
      bindings: ['telegram.bot.get'],
      handler: async () => bot,
    });
    const ctx = { userId: 'bench-user', requestId: 'bench' };
    report(
      'request/reply through @integrations/messaging',
      await time(async () => {
        const reply = await client.request('telegram.bot.get', { id: 'b1' }, ctx);
        if (!reply.ok) throw new Error(`the request failed: ${JSON.stringify(reply.error)}`);
      }),
    );
  } finally {
    await client.close();
    await server.close();
  }
}

async function httpRoundTrip() {
  const server = http.createServer((_req, res) => res.end('{}'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  try {
    report(
      'HTTP keep-alive round trip (fetch)',
      await time(async () => (await fetch(`http://127.0.0.1:${port}/`)).text()),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    report(
      'HTTP keep-alive round trip (node:http)',
      await time(() => postRaw(agent, `http://127.0.0.1:${port}/`, {}, '{}')),
    );
    agent.destroy();
  } finally {
    server.close();
  }
}

/**
 * The Bot API call the send benchmark's baseline makes (grammY → the emulator, in its own process), back to back as
 * the baseline runs it and after the idle time a process in the send's path has between its turns. On a VM whose
 * idle vCPUs halt, waking a process that went idle is dear, and a path of many hops pays it at each one.
 */
async function emulatorCall() {
  const port = await freePort();
  await startEmulatorProcess(root, { port });
  const base = `http://127.0.0.1:${port}`;
  const control = async (p, body) =>
    (
      await fetch(`${base}/_emulator${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json();
  try {
    const bot = await control('/bots', { username: 'floor_bot' });
    const chat = await control('/chats', {
      type: 'supergroup',
      title: 'floor',
      members: [{ botId: bot.id, role: 'member' }],
    });
    const api = new Api(bot.token, { apiRoot: base });
    const send = (i) => api.sendMessage(chat.id, `floor ${i}`);
    // As many warm-ups as the send benchmark's, for V8 to have compiled grammY's path.
    report('grammY sendMessage to the emulator', await time(send, { warmUps: 2000 }));
    report(`grammY sendMessage, ${gapMs} ms idle before each`, await time(send, { gapMs }));
  } finally {
    await stopServices();
  }
}

console.log(`floors on this machine, ${n} sequential operations each (p50 / p99 in ms)`);
await mariadb();
await redis();
await rabbitmq();
await httpRoundTrip();
await emulatorCall();
