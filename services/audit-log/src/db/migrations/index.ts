import { outboxLeaseMigration, outboxMigration, type Migration } from '@integrations/persistence';
import { integrationLogs } from './0001_integration_logs';
import { webhooks } from './0003_webhooks';
import { logsByDay } from './0004_logs_by_day';
import { logsByResource } from './0005_logs_by_resource';
import { deliveriesByAge } from './0006_deliveries_by_age';
import { purgedUsers } from './0007_purged_users';
import { logsByPlatform } from './0008_logs_by_platform';

export const migrations: Record<string, Migration> = {
  '0001_integration_logs': integrationLogs,
  '0002_outbox': outboxMigration,
  '0003_webhooks': webhooks,
  '0004_logs_by_day': logsByDay,
  '0005_logs_by_resource': logsByResource,
  '0006_deliveries_by_age': deliveriesByAge,
  '0007_purged_users': purgedUsers,
  '0008_logs_by_platform': logsByPlatform,
  '0009_outbox_lease': outboxLeaseMigration,
};
