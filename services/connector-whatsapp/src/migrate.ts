import { runMigrationsCli } from '@integrations/persistence';
import { loadConfig } from './config';
import { migrations } from './db/migrations';

const config = loadConfig();
runMigrationsCli({ database: config.database, migrations, url: config.mysqlUrl }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
