import { runService } from '@integrations/observability';
import { SERVICE, startApi } from './app';
import { ConfigError, loadConfig } from './config';

runService(
  SERVICE,
  (logger) => startApi(loadConfig(), logger),
  (error) => (error instanceof ConfigError ? `configuration: ${error.message}` : 'api failed to start'),
);
