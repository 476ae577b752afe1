// Shared by `npm start` and `npm test`: only Node built-ins here, because it runs before `pnpm install`.
import { execSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const pinnedPnpm = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager; // pnpm@x.y.z

export function log(step, message) {
  process.stdout.write(`\x1b[36m[${step}]\x1b[0m ${message}\n`);
}

export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    const error = new Error(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
    error.exitCode = result.status ?? 1;
    throw error;
  }
  return result;
}

/** Makes sure the pinned pnpm is on PATH, installing it with npm when it is not. */
export function ensurePnpm() {
  const wanted = pinnedPnpm.split('@')[1];
  let have = '';
  try {
    have = execSync('pnpm --version', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    have = '';
  }
  if (have !== wanted) {
    log('setup', `installing ${pinnedPnpm} with npm (found ${have || 'none'})`);
    run('npm', ['install', '--global', '--no-fund', '--no-audit', pinnedPnpm]);
  }
}

export function pnpmInstall() {
  const args = ['install', '--prefer-offline'];
  if (process.env.CI) args.push('--frozen-lockfile');
  run('pnpm', args);
}

function canConnect(url, fallbackPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || fallbackPort) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const dependencies = [
  {
    name: 'MariaDB/MySQL',
    url: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
    port: 3306,
    hint: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd  (or set MYSQL_URL)',
  },
  {
    name: 'Redis',
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    port: 6379,
    hint: 'redis-server --daemonize yes --port 6379  (or set REDIS_URL)',
  },
  {
    name: 'RabbitMQ',
    url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    port: 5672,
    hint: 'rabbitmq-server -detached  (or set AMQP_URL)',
  },
];

/** Fails fast, naming the dependency that is down and how to start it, instead of hanging. */
export async function checkDependencies() {
  const down = [];
  for (const dep of dependencies) {
    if (!(await canConnect(dep.url, dep.port))) down.push(dep);
  }
  if (down.length > 0) {
    for (const dep of down) {
      process.stderr.write(
        `\x1b[31m✗ ${dep.name} is not reachable at ${dep.url}\x1b[0m\n  start it with: ${dep.hint}\n`,
      );
    }
    const error = new Error(`${down.map((d) => d.name).join(', ')} not running`);
    error.exitCode = 2;
    throw error;
  }
  await ensureRabbitPlugins();
}

/**
 * The account connector's shard routing needs the consistent-hash exchange, the tests create a vhost per file
 * through the management API, and Prometheus reads queue depths from the prometheus plugin (15692). All are
 * plugins; enable the missing ones when this machine's broker lacks them.
 */
async function ensureRabbitPlugins() {
  const managementUrl = process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://127.0.0.1:15672';
  const prometheusUrl = process.env.RABBITMQ_PROMETHEUS_URL ?? 'http://127.0.0.1:15692';
  const missing = [];
  if (!(await canConnect(managementUrl, 15672)))
    missing.push('rabbitmq_management', 'rabbitmq_consistent_hash_exchange');
  if (!(await canConnect(prometheusUrl, 15692))) missing.push('rabbitmq_prometheus');
  if (missing.length === 0) return;
  const which = spawnSync('sh', ['-c', 'command -v rabbitmq-plugins'], { encoding: 'utf8' });
  if (which.status !== 0) {
    process.stderr.write(
      `RabbitMQ plugins are not reachable; enable them with:\n  rabbitmq-plugins enable ${missing.join(' ')}\n`,
    );
    const error = new Error('RabbitMQ plugins missing');
    error.exitCode = 2;
    throw error;
  }
  log('setup', `enabling RabbitMQ plugins ${missing.join(', ')}`);
  run('rabbitmq-plugins', ['enable', ...missing]);
  for (let i = 0; i < 30; i += 1) {
    const up = await Promise.all([canConnect(managementUrl, 15672), canConnect(prometheusUrl, 15692)]);
    if (up.every(Boolean)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
}
