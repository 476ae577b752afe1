import { createLogger } from '@integrations/observability';
import { infra, type TestDatabase, type TestVhost } from '@integrations/testing';
import { PassThrough } from 'node:stream';
import { startAuditLog, type AuditLogService } from '../app';
import { loadConfig } from '../config';

/** audit-log on a test file's own database and vhost, quiet, with `env` on top of the defaults. */
export function startTestAuditLog(
  database: TestDatabase,
  vhost: TestVhost,
  env: Record<string, string> = {},
): Promise<AuditLogService> {
  return startAuditLog(
    loadConfig({
      AUDIT_LOG_PORT: '0',
      AUDIT_LOG_HOST: '127.0.0.1',
      AMQP_URL: vhost.url,
      MYSQL_URL: infra.mysqlUrl,
      AUDIT_DATABASE: database.name,
      SECRETS_KEYRING: '{}',
      ...env,
    }),
    createLogger({ service: 'audit-log', stream: new PassThrough() }),
  );
}
