import { createLogger, startTracing } from '@integrations/observability';
import { SERVICE, startApi } from './app';
import { ConfigError, loadConfig } from './config';

// Tracing first, so that the HTTP instrumentation sees the server being created.
const tracing = startTracing({ service: SERVICE });
const logger = createLogger({ service: SERVICE });

async function main(): Promise<void> {
  const api = await startApi(loadConfig(), logger);
  const stop = async () => {
    logger.info('stopping');
    await api.close();
    await tracing.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  logger.error(error instanceof ConfigError ? `configuration: ${error.message}` : 'api failed to start', {
    error,
  });
  process.exit(1);
});
