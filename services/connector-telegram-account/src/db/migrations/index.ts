import { outboxLeaseMigration, outboxMigration, type Migration } from '@integrations/persistence';
import { initial } from './0001_initial';
import { lifecycle } from './0003_lifecycle';
import { phone } from './0004_phone';

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_outbox': outboxMigration,
  '0003_lifecycle': lifecycle,
  '0004_phone': phone,
  '0005_outbox_lease': outboxLeaseMigration,
};
