import { createLogger, startTracing } from '@integrations/observability';
import { SERVICE, startBotConnector } from './app';
import { loadConfig } from './config';

const tracing = startTracing({ service: SERVICE });
const logger = createLogger({ service: SERVICE });

startBotConnector(loadConfig(), logger)
  .then((service) => {
    const stop = async () => {
      logger.info('stopping');
      await service.close();
      await tracing.shutdown();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
  })
  .catch((error: unknown) => {
    logger.error('bot connector failed to start', { error });
    process.exit(1);
  });
