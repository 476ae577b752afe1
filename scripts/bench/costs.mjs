// Where a benchmark's sends spend: CPU of every process, and the work each send makes in the backends (broker
// publishes and deliveries, SQL statements, Redis commands, HTTP calls), as deltas of the backends' own counters.
//
// Attribution on a shared machine: the services, the emulator and Redis are the benchmark's own processes; Redis
// is a private instance, so its `INFO commandstats` counts only the benchmark. SQL is counted per MariaDB user
// (`information_schema.USER_STATISTICS`, switched on for the run and back off after) under a user of the run's
// own; RabbitMQ per vhost (the run's own). RabbitMQ's and MariaDB's CPU are the shared servers' (/proc/<pid>/stat):
// their idle rate, measured before the run, is subtracted, and what other users do meanwhile stays noise.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, freePort, writeSyscalls } from './lib.mjs';

const MANAGEMENT = 'http://127.0.0.1:15672/api';
const GUEST = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pid of the first process whose command name is one of `names` (Linux /proc), or undefined. */
export function pidOf(...names) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** A Redis server of the run's own on a free port (no persistence): its counters are the benchmark's alone. */
export async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  // Stopped after the services (`stop`), which would otherwise see it go first.
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** A MariaDB user of the run's own, with rights on the run's databases (`bench_%`), and per-user statistics on. */
export async function sqlCounter(root, databasePrefix) {
  const mysql = createRequire(path.join(root, 'packages/persistence/package.json'))('mysql2/promise');
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  const user = `bench_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await admin.query(`CREATE USER ?@'127.0.0.1' IDENTIFIED BY ?`, [user, password]);
  await admin.query(
    `GRANT ALL PRIVILEGES ON \`${databasePrefix.replace(/_/g, '\\_')}%\`.* TO ?@'127.0.0.1'`,
    [user],
  );
  const [[{ on }]] = await admin.query('SELECT @@global.userstat AS `on`');
  if (!on) await admin.query('SET GLOBAL userstat = 1');
  return {
    url: `mysql://${user}:${password}@127.0.0.1:3306`,
    /** Statements the run's user has sent so far. */
    async read() {
      const [rows] = await admin.query(
        'SELECT SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS AS n FROM information_schema.USER_STATISTICS WHERE USER = ?',
        [user],
      );
      return Number(rows[0]?.n ?? 0);
    },
    /** The same by kind: reads, writes (INSERT, UPDATE, DELETE) and the rest (BEGIN, COMMIT, SET...). */
    async detail() {
      const [rows] = await admin.query(
        'SELECT SELECT_COMMANDS AS `reads`, UPDATE_COMMANDS AS `writes`, OTHER_COMMANDS AS `other` FROM information_schema.USER_STATISTICS WHERE USER = ?',
        [user],
      );
      const row = rows[0] ?? {};
      return {
        reads: Number(row.reads ?? 0),
        writes: Number(row.writes ?? 0),
        other: Number(row.other ?? 0),
      };
    },
    /** Drops the run's databases (`names`), its user, and per-user statistics if the run switched them on. */
    async close(names = []) {
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      if (!on) await admin.query('SET GLOBAL userstat = 0');
      await admin.query(`DROP USER ?@'127.0.0.1'`, [user]);
      await admin.end();
    },
  };
}

/** Commands a Redis server has run so far, less the `INFO` calls that read them. */
export function redisCounter(root, url) {
  const Redis = createRequire(path.join(root, 'services/api/package.json'))('ioredis');
  const client = new Redis(url, { retryStrategy: () => null });
  const detail = async () => {
    const info = await client.info('commandstats');
    const calls = {};
    for (const match of info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)) {
      if (match[1] !== 'info') calls[match[1]] = Number(match[2]);
    }
    return calls;
  };
  return {
    async read() {
      return Object.values(await detail()).reduce((sum, n) => sum + n, 0);
    },
    /** Calls so far by command name. */
    detail,
    close: async () => client.disconnect(),
  };
}

/**
 * Publishes and deliveries in a vhost (management API). Its statistics lag by the collection interval (5 s by
 * default): `settled` reads until they stop moving.
 */
export function brokerCounter(vhost) {
  const read = async () => {
    const res = await fetch(
      `${MANAGEMENT}/vhosts/${encodeURIComponent(vhost)}?columns=message_stats.publish,message_stats.deliver_get`,
      { headers: { authorization: GUEST } },
    );
    const stats = (await res.json()).message_stats ?? {};
    return { publishes: stats.publish ?? 0, deliveries: stats.deliver_get ?? 0 };
  };
  return {
    read,
    async settled() {
      let last = await read();
      for (let stable = 0; stable < 6;) {
        await sleep(1000);
        const now = await read();
        stable = now.publishes === last.publishes && now.deliveries === last.deliveries ? stable + 1 : 0;
        last = now;
      }
      return last;
    },
  };
}

/**
 * HTTP requests each child process served, counted by `count-http.cjs` (preloaded in them) and written to a file
 * on SIGWINCH. Control, health and metrics requests are not counted.
 */
export function httpCounter() {
  const dir = path.join(os.tmpdir(), `bench-http-${process.pid}`);
  return {
    env: (name) => ({
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(path.dirname(fileURLToPath(import.meta.url)), 'count-http.cjs')}`,
      BENCH_HTTP_COUNT_FILE: path.join(dir, name),
    }),
    /** Requests the processes served so far (`sendMessage`: only the Bot API's sendMessage calls). */
    async read(processes, { sendMessage = false } = {}) {
      let total = 0;
      for (const [name, pid] of Object.entries(processes)) {
        const file = path.join(dir, name);
        rmSync(file, { force: true });
        process.kill(pid, 'SIGWINCH');
        for (let waited = 0; ; waited += 10) {
          try {
            const [served, sends] = readFileSync(file, 'utf8').split(' ').map(Number);
            total += sendMessage ? sends : served;
            break;
          } catch {
            if (waited > 5000) throw new Error(`${name} wrote no HTTP count`);
            await sleep(10);
          }
        }
      }
      return total;
    },
    dir,
    /** Removes the count files. */
    remove: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Samples every counter at once: CPU seconds of each process, and the backends' counts. `processes` maps a name
 * to a pid (`client` is this process).
 */
export function sampler({ processes, sql, redis, broker, http, httpProcesses }) {
  const cpu = () => {
    const out = {};
    for (const [name, pid] of Object.entries(processes)) out[name] = cpuSeconds(pid);
    const own = process.cpuUsage();
    out.client = (own.user + own.system) / 1e6;
    return out;
  };
  const writes = () => {
    const out = {};
    for (const [name, pid] of Object.entries(processes)) out[name] = writeSyscalls(pid);
    out.client = writeSyscalls(process.pid);
    return out;
  };
  const sample = async () => ({
    at: performance.now(),
    cpu: cpu(),
    writes: writes(),
    sql: await sql.read(),
    redis: await redis.read(),
    http: await http.read(httpProcesses),
    broker: await broker.read(),
  });
  return {
    sample,
    /** Idle rates (per second): every process's CPU, SQL statements and Redis commands of the stack at rest. */
    async idle(ms = 3000) {
      const a = await sample();
      await sleep(ms);
      const b = await sample();
      const seconds = (b.at - a.at) / 1000;
      const rates = {
        cpu: {},
        writes: {},
        sql: (b.sql - a.sql) / seconds,
        redis: (b.redis - a.redis) / seconds,
      };
      for (const name of Object.keys(a.cpu)) {
        rates.cpu[name] = (b.cpu[name] - a.cpu[name]) / seconds;
        rates.writes[name] = (b.writes[name] - a.writes[name]) / seconds;
      }
      return rates;
    },
    /**
     * Cost per send between two samples, less what the stack does at rest over the same time (`idle`): CPU ms per
     * process, their total without the benchmark client itself, and the backends' counts per send. The broker's
     * come from `brokerEnd`, read once its statistics settled.
     */
    perSend(start, end, brokerEnd, sends, idle) {
      const seconds = (end.at - start.at) / 1000;
      const cpuMsPerSend = {};
      let total = 0;
      for (const name of Object.keys(end.cpu)) {
        const used = Math.max(
          0,
          end.cpu[name] - start.cpu[name] - (name === 'client' ? 0 : idle.cpu[name] * seconds),
        );
        cpuMsPerSend[name] = round((used * 1000) / sends);
        if (name !== 'client') total += cpuMsPerSend[name];
      }
      cpuMsPerSend.total = round(total);
      // Write syscalls, the same way (the client's not counted in the total: it is the benchmark's own).
      const writesPerSend = {};
      let writesTotal = 0;
      for (const name of Object.keys(end.writes)) {
        const made = Math.max(
          0,
          end.writes[name] - start.writes[name] - (name === 'client' ? 0 : idle.writes[name] * seconds),
        );
        writesPerSend[name] = round(made / sends);
        if (name !== 'client' && Number.isFinite(writesPerSend[name])) writesTotal += writesPerSend[name];
      }
      writesPerSend.total = round(writesTotal);
      return {
        cpuMsPerSend,
        writesPerSend,
        perSend: {
          publishes: round((brokerEnd.publishes - start.broker.publishes) / sends),
          deliveries: round((brokerEnd.deliveries - start.broker.deliveries) / sends),
          sql: round(Math.max(0, end.sql - start.sql - idle.sql * seconds) / sends),
          redis: round(Math.max(0, end.redis - start.redis - idle.redis * seconds) / sends),
          http: round((end.http - start.http) / sends),
        },
      };
    },
  };
}

/** Per send, by name, between two `detail()` readings (not corrected for the idle rate). */
export function perSendByName(start, end, sends) {
  const out = {};
  for (const [name, n] of Object.entries(end)) {
    const delta = n - (start[name] ?? 0);
    if (delta > 0) out[name] = round(delta / sends);
  }
  return out;
}

export const round = (n) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null);
