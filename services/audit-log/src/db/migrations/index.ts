import type { Migration } from '@integrations/persistence';
import { integrationLogs } from './0001_integration_logs';

export const migrations: Record<string, Migration> = {
  '0001_integration_logs': integrationLogs,
};
