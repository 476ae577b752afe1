import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/** Where the real local services live; the same variables the services read. */
export const infra = {
  mysqlUrl: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  amqpUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  rabbitManagementUrl: process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672',
};

/** A short unique name, safe for database, vhost and Redis key names. */
export function uniqueName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 24);
  return `t_${clean}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export interface TestDatabase {
  name: string;
  /** A MYSQL_URL that points at this database. */
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database of its own for one test file, so files can run in parallel. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  const admin = await createConnection(infra.mysqlUrl);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const target = new URL(infra.mysqlUrl);
  target.pathname = `/${name}`;
  const url = target.toString();
  return {
    name,
    url,
    async drop() {
      const conn = await createConnection(infra.mysqlUrl);
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

export interface TestVhost {
  name: string;
  /** An AMQP_URL that points at this vhost. */
  url: string;
  delete(): Promise<void>;
}

/** A call to RabbitMQ's management API (`path` after `/api`), its JSON answer parsed; fails on an error status. */
export async function rabbitManagement<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const base = new URL(infra.rabbitManagementUrl);
  const auth = Buffer.from(
    `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`,
  ).toString('base64');
  const res = await fetch(`${base.protocol}//${base.host}/api${path}`, {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && res.status !== 404) {
    throw new Error(`RabbitMQ management ${method} ${path}: ${res.status} ${await res.text()}`);
  }
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function management(method: string, path: string, body?: unknown): Promise<void> {
  await rabbitManagement(method, path, body);
}

/**
 * Creates a RabbitMQ vhost of its own for one test file (through the management plugin), so topology
 * declared by one file never meets another's.
 */
export async function createTestVhost(prefix: string): Promise<TestVhost> {
  const name = uniqueName(prefix);
  const user = decodeURIComponent(new URL(infra.amqpUrl).username || 'guest');
  await management('PUT', `/vhosts/${encodeURIComponent(name)}`, {});
  await management('PUT', `/permissions/${encodeURIComponent(name)}/${encodeURIComponent(user)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  const url = `${infra.amqpUrl.replace(/\/+$/, '')}/${encodeURIComponent(name)}`;
  return {
    name,
    url,
    delete: () => management('DELETE', `/vhosts/${encodeURIComponent(name)}`),
  };
}
