import type winston from 'winston';
import { ElasticsearchTransport } from 'winston-elasticsearch';

/**
 * The one place that knows winston-elasticsearch (quiet upstream since 2024): entries are already ECS-shaped and
 * redacted by the logger's format, so the transport only ships them to a daily `logs-integrations-*` index.
 */
export function createElasticsearchTransport(url: string, service: string): winston.transport {
  const transport = new ElasticsearchTransport({
    level: process.env.ELASTICSEARCH_LOG_LEVEL ?? 'info',
    clientOpts: { node: url },
    indexPrefix: 'logs-integrations',
    indexSuffixPattern: 'YYYY.MM.DD',
    flushInterval: 1000,
    buffering: true,
    ensureIndexTemplate: false, // monitoring/elk ships the template and the ingest pipeline
    source: service,
    // Keep our ECS document as it is instead of the transport's own shape.
    transformer: (logData) => ({
      ...(logData.meta as Record<string, unknown>),
      message: logData.message,
      'log.level': logData.level,
    }),
  });
  // A broken log shipper must never take the service down; stdout keeps every line.
  transport.on('error', () => undefined);
  return transport;
}
