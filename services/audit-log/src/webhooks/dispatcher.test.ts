import { Messaging } from '@integrations/messaging';
import { createLogger, createMetricsRegistry } from '@integrations/observability';
import { createDb, type OutboxRelay } from '@integrations/persistence';
import { LocalKeyringCipher } from '@integrations/secrets';
import {
  createTestDatabase,
  createTestVhost,
  infra,
  until,
  type TestDatabase,
  type TestVhost,
} from '@integrations/testing';
import { PassThrough } from 'node:stream';
import type { AuditLogService } from '../app';
import { loadConfig } from '../config';
import type { AuditDatabase } from '../db/schema';
import { startTestAuditLog } from '../testing/start';
import { WebhookDispatcher } from './dispatcher';

/** What the dispatcher costs the database while no delivery is due: it polls every second on every replica. */
describe('webhook dispatcher', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let service: AuditLogService | undefined;
  let client: Messaging;

  beforeAll(async () => {
    [database, vhost] = await Promise.all([
      createTestDatabase('audit_dispatch'),
      createTestVhost('audit-dispatch'),
    ]);
    // The service migrates the database; its own dispatcher polls once an hour, so only ours runs here.
    service = await startTestAuditLog(database, vhost, { WEBHOOK_POLL_MS: '3600000' });
    client = await Messaging.connect({ url: vhost.url, service: 'test-client' });
  });
  afterAll(async () => {
    await client?.close();
    await service?.close();
    await Promise.all([database?.drop(), vhost?.delete()]);
  });

  it('claims with one statement a pass while nothing is due, and counts the backlog now and then, not every pass', async () => {
    const statements: string[] = [];
    const db = createDb<AuditDatabase>({
      url: infra.mysqlUrl,
      database: database.name,
      poolSize: 1,
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql.trim().split(/\s+/)[0]!.toLowerCase());
      },
    });
    const relay: OutboxRelay = {
      flushNow: async () => 0,
      kick: () => undefined,
      leaseMs: () => undefined,
      handOff: () => undefined,
      resume: () => undefined,
      stop: async () => undefined,
    };
    const dispatcher = new WebhookDispatcher({
      db,
      cipher: LocalKeyringCipher.fromJson('{}'),
      messaging: client,
      relay,
      logger: createLogger({ service: 'dispatcher-test', stream: new PassThrough() }),
      registry: createMetricsRegistry({ service: 'dispatcher-test', defaultMetrics: false }),
      options: { ...loadConfig({ SECRETS_KEYRING: '{}' }).webhooks, pollMs: 3_600_000 },
    });
    try {
      dispatcher.kick();
      await until(() => statements.length >= 2);
      dispatcher.kick();
      await until(() => statements.length >= 3);
    } finally {
      await dispatcher.stop();
      await db.destroy();
    }
    // The first pass counts the backlog for its gauge and finds nothing to claim; the next one only looks.
    expect(statements).toEqual(['select', 'update', 'update']);
  });
});
