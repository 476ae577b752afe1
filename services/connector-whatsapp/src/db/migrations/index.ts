import { outboxLeaseMigration, outboxMigration, type Migration } from '@integrations/persistence';
import { initial } from './0001_initial';

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_outbox': outboxMigration,
  '0003_outbox_lease': outboxLeaseMigration,
};
