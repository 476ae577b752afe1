import { infra, rabbitManagement } from '@integrations/testing';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';

/**
 * Everything a stack leaves behind where a secret could sit at rest or in transit: every Redis value under its
 * prefix, every message of every queue of its vhost (retry and `.dead` queues included), every row of every
 * table of its databases, and the spans a test exported. Read without consuming (queues requeue what is read).
 */
export async function collectStoredText(options: {
  redisPrefix: string;
  vhost: string;
  databases: string[];
  spans?: () => unknown[];
}): Promise<Record<'redis' | 'queues' | 'databases' | 'spans', string>> {
  return {
    redis: await redisText(options.redisPrefix),
    queues: await queueText(options.vhost),
    databases: await databaseText(options.databases),
    spans: JSON.stringify(options.spans?.() ?? []),
  };
}

async function redisText(prefix: string): Promise<string> {
  const redis = new Redis(infra.redisUrl);
  try {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') out.push(String(await redis.get(key)));
        else if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') out.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset') out.push(JSON.stringify(await redis.zrange(key, 0, -1)));
        else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
    return out.join('\n');
  } finally {
    redis.disconnect();
  }
}

async function queueText(vhost: string): Promise<string> {
  const v = encodeURIComponent(vhost);
  const queues = await rabbitManagement<{ name: string; exclusive?: boolean }[]>('GET', `/queues/${v}`);
  const out: string[] = [];
  for (const queue of queues) {
    if (queue.exclusive) continue; // a reply or fan-out queue of a connection: not readable from here
    const messages = await rabbitManagement<{ payload: string; properties?: unknown }[] | { error: string }>(
      'POST',
      `/queues/${v}/${encodeURIComponent(queue.name)}/get`,
      { count: 1000, ackmode: 'ack_requeue_true', encoding: 'auto' },
    );
    // A queue deleted since the listing (404) has nothing left to read.
    if (!Array.isArray(messages)) continue;
    for (const message of messages) out.push(message.payload, JSON.stringify(message.properties ?? {}));
  }
  return out.join('\n');
}

async function databaseText(databases: string[]): Promise<string> {
  const conn = await createConnection(infra.mysqlUrl);
  try {
    let dump = '';
    for (const database of databases) {
      const [tables] = await conn.query(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?',
        [database],
      );
      for (const { name } of tables as { name: string }[]) {
        const [rows] = await conn.query(`SELECT * FROM \`${database}\`.\`${name}\``);
        dump += JSON.stringify(rows);
      }
    }
    return dump;
  } finally {
    await conn.end();
  }
}
