import { outboxLeaseMigration, outboxMigration, type Migration } from '@integrations/persistence';
import { initial } from './0001_initial';
import { webhookSecret } from './0003_webhook_secret';
import { sendingClaim } from './0004_sending_claim';
import { lifecycle } from './0005_lifecycle';

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_outbox': outboxMigration,
  '0003_webhook_secret': webhookSecret,
  '0004_sending_claim': sendingClaim,
  '0005_lifecycle': lifecycle,
  '0006_outbox_lease': outboxLeaseMigration,
};
