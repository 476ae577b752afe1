// What every benchmark script needs: free ports, waiting for a child to answer, its CPU time, percentiles.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import nodeHttp from 'node:http';
import net from 'node:net';
import path from 'node:path';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers (any status, or only 2xx with `ok`), for up to `timeoutMs`. */
export async function waitFor(url, { ok = false, timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (!ok || res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answered at ${url}`);
}

/** CPU seconds a child has used so far (Linux /proc; 100 clock ticks per second there); NaN when unreadable. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Write syscalls a process has made so far (`syscw` of /proc/<pid>/io: write, writev, sendmsg and the like, every
 * thread included), or NaN when it cannot be read. On these virtual machines a write to a socket costs 0.1-0.3
 * ms, so their number per send is a cost of its own.
 */
export function writeSyscalls(pid) {
  try {
    return Number(/^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** The p-th percentile of ascending samples (nearest rank). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Every service a benchmark started, to stop them all at the end. */
export const children = [];

/**
 * Starts `entry` (relative to the repository root) as a child process with `env` added. With BENCH_CPU_PROF=<dir>,
 * each child writes a CPU profile there when it exits (`node --cpu-prof`; open it in Chrome DevTools).
 */
export function startService(root, entry, env) {
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`]
    : [];
  const child = spawn(process.execPath, [...profile, path.join(root, entry)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${entry} exited early (${signal ?? code})`);
  });
  children.push(child);
  return child;
}

let stopping = false;

export async function stopServices() {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
}

const MANAGEMENT = 'http://127.0.0.1:15672/api';
const GUEST = `Basic ${Buffer.from('guest:guest').toString('base64')}`;

/** A RabbitMQ vhost of its own for one benchmark run (management API), with full rights for guest. */
export async function createVhost(vhost) {
  const call = async (urlPath, body) => {
    const res = await fetch(`${MANAGEMENT}/${urlPath}`, {
      method: 'PUT',
      headers: { authorization: GUEST, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`management PUT ${urlPath}: ${res.status}`);
  };
  await call(`vhosts/${vhost}`, {});
  await call(`permissions/${vhost}/guest`, { configure: '.*', write: '.*', read: '.*' });
}

/** Deletes a vhost a benchmark run created (management API). */
export async function deleteVhost(vhost) {
  const res = await fetch(`${MANAGEMENT}/vhosts/${encodeURIComponent(vhost)}`, {
    method: 'DELETE',
    headers: { authorization: GUEST },
  });
  if (!res.ok && res.status !== 404) throw new Error(`management DELETE vhosts/${vhost}: ${res.status}`);
}

/** Resident memory of a process in MiB (Linux /proc). */
export function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

export const fmt = (n) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : 'n/a');

/** Prints one latency line (count, p50, p99, max) and answers p50 and p99 in ms. */
export function report(name, samples, width = 46) {
  const sorted = [...samples].sort((a, b) => a - b);
  const [p50, p99] = [percentile(sorted, 50), percentile(sorted, 99)];
  console.log(
    `${name.padEnd(width)} n=${String(sorted.length).padEnd(5)} p50 ${fmt(p50)} ms  p99 ${fmt(p99)} ms  max ${fmt(sorted.at(-1))} ms`,
  );
  return { p50, p99 };
}

/** The emulator's CLI as a child process with its flood limits off; answers once its control API is up. */
export async function startEmulatorProcess(root, { port, mtprotoPort = 0, env = {} }) {
  const child = startService(root, 'packages/telegram-emulator/dist/cli.js', {
    ...env,
    EMULATOR_PORT: String(port),
    // A world of its own, in memory only (not the state file `npm start`'s emulator keeps).
    EMULATOR_STATE_FILE: 'off',
    EMULATOR_MTPROTO_PORT: String(mtprotoPort),
    EMULATOR_LIMITS: 'off',
  });
  await waitFor(`http://127.0.0.1:${port}/_emulator/health`, { ok: true });
  return child;
}

/**
 * A POST over `agent` (a kept-alive `node:http` Agent): the answer's status and body. The benches send through this
 * rather than fetch (undici), which costs the client about twice the CPU and, timed alone against a trivial local
 * server, adds 0.3-0.4 ms to each round trip (p50 0.41-0.56 ms against 0.09-0.14 ms).
 */
export function postRaw(agent, url, headers, body) {
  return new Promise((resolve, reject) => {
    const sized = { ...headers, 'content-length': Buffer.byteLength(body) };
    const req = nodeHttp.request(url, { method: 'POST', agent, headers: sized }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
