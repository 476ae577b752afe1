import { createLogger, type Logger } from './logger';
import { startTracing } from './tracing';

/**
 * The `main` of every service: tracing first (so instrumentation sees the modules load), a logger, start, and a
 * clean stop on SIGTERM/SIGINT (in-flight work drains, connections close). A failed start logs why and exits 1.
 */
export function runService(
  service: string,
  start: (logger: Logger) => Promise<{ close(): Promise<void> }>,
  describeError: (error: unknown) => string = () => `${service} failed to start`,
): void {
  const tracing = startTracing({ service });
  const logger = createLogger({ service });
  start(logger)
    .then((running) => {
      const stop = async () => {
        logger.info('stopping');
        await running.close();
        await tracing.shutdown();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
    })
    .catch((error: unknown) => {
      logger.error(describeError(error), { error });
      process.exit(1);
    });
}
