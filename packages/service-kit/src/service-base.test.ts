import { createLogger } from '@integrations/observability';
import { sql, type Kysely, type OutboxTable } from '@integrations/persistence';
import {
  createTestDatabase,
  createTestVhost,
  infra,
  type TestDatabase,
  type TestVhost,
} from '@integrations/testing';
import { PassThrough } from 'node:stream';
import { startServiceBase } from './service-base';

interface Db extends OutboxTable {
  things: { id: number };
}

describe('startServiceBase', () => {
  let database: TestDatabase;
  let vhost: TestVhost;

  beforeAll(async () => {
    [database, vhost] = await Promise.all([createTestDatabase('kit'), createTestVhost('kit')]);
  });
  afterAll(async () => {
    await Promise.all([database.drop(), vhost.delete()]);
  });

  it('migrates its database, connects RabbitMQ and Redis, reports ready, and closes everything', async () => {
    const logs: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    const base = await startServiceBase<Db>({
      service: 'kit-test',
      logger: createLogger({ service: 'kit-test', stream }),
      mysqlUrl: infra.mysqlUrl,
      database: database.name,
      amqpUrl: vhost.url,
      redisUrl: infra.redisUrl,
      migrations: {
        '0001_things': {
          async up(db: Kysely<unknown>) {
            await db.schema.createTable('things').addColumn('id', 'integer').execute();
          },
        },
      },
    });
    await base.db.insertInto('things').values({ id: 7 }).execute();
    expect(await base.db.selectFrom('things').selectAll().execute()).toEqual([{ id: 7 }]);
    const ops = await base.serveOps({ port: 0, host: '127.0.0.1' }, { custom: () => true });
    const ready = (await (await fetch(`${ops.url}/health/ready`)).json()) as {
      checks: Record<string, string>;
    };
    expect(ready.checks).toEqual({ rabbitmq: 'up', mysql: 'up', redis: 'up', custom: 'up' });
    expect(logs.join('')).toContain('0001_things');
    await base.messaging.close();
    await base.close();
    await expect(sql`select 1`.execute(base.db)).rejects.toThrow();
  });
});
