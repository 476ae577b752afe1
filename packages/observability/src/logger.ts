import { trace } from '@opentelemetry/api';
import winston from 'winston';
import { createElasticsearchTransport } from './elasticsearch';
import { redact, redactText } from './redact';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Defaults to ELASTICSEARCH_URL; when set, logs also go to Elasticsearch. */
  elasticsearchUrl?: string;
  /** For tests: where the JSON lines go instead of stdout. */
  stream?: NodeJS.WritableStream;
}

const ECS_VERSION = '8.11.0';
const RESERVED = new Set(['level', 'message', 'timestamp', 'service', 'splat']);

/** Shapes every entry as ECS (flat dotted keys, which Elasticsearch maps as objects), after redaction. */
const ecs = (service: string) =>
  winston.format((info) => {
    const span = trace.getActiveSpan()?.spanContext();
    const entry: Record<string, unknown> = {
      '@timestamp': new Date().toISOString(),
      'log.level': info.level,
      message: redactText(String(info.message ?? '')),
      'ecs.version': ECS_VERSION,
      'service.name': service,
    };
    if (span && span.traceId !== '00000000000000000000000000000000') {
      entry['trace.id'] = span.traceId;
      entry['span.id'] = span.spanId;
    }
    const meta: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(info)) {
      if (RESERVED.has(key)) continue;
      if (key === 'error' || key === 'err') {
        const error = redact(value) as { name?: string; message?: string; stack?: string; code?: unknown };
        entry['error.type'] = error?.name;
        entry['error.message'] = error?.message;
        entry['error.stack_trace'] = error?.stack;
        if (error?.code !== undefined) entry['error.code'] = String(error.code);
        continue;
      }
      meta[key] = value;
    }
    // Redacted as one object so that keys (`password`, `token`, `phone`) are seen with their values.
    Object.assign(entry, redact(meta));
    // winston's JSON format prints the object it is given: replace the entry's own keys.
    // (winston filters by its Symbol.for('level'), so the plain `level` key can go: `log.level` replaces it.)
    for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
    Object.assign(info, entry);
    return info;
  })();

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const transports: winston.transport[] = [
    options.stream
      ? new winston.transports.Stream({ stream: options.stream })
      : new winston.transports.Console({ stderrLevels: [] }),
  ];
  const esUrl = options.elasticsearchUrl ?? process.env.ELASTICSEARCH_URL;
  if (esUrl) transports.push(createElasticsearchTransport(esUrl, options.service));
  const logger = winston.createLogger({
    level,
    format: winston.format.combine(ecs(options.service), winston.format.json()),
    transports,
    exitOnError: false,
  });
  return skipDisabledLevels(logger);
}

/**
 * winston formats every entry (here: redaction and the ECS shape) before its transports drop one below their
 * level, so a `debug` line on a hot path costs the same whether it is printed or not. Each level's method checks
 * the logger's level first (read at call time: raising it later takes effect) and does nothing when it is off.
 */
function skipDisabledLevels(logger: winston.Logger): winston.Logger {
  const methods = logger as unknown as Record<string, (...args: unknown[]) => winston.Logger>;
  for (const name of Object.keys(logger.levels)) {
    const write = methods[name];
    if (typeof write !== 'function') continue;
    // `this` as winston's own methods use it: a child logger (Object.create of this one) writes with its meta.
    methods[name] = function (this: winston.Logger | undefined, ...args: unknown[]) {
      const self = this ?? logger;
      return self.isLevelEnabled(name) ? write.apply(self, args) : self;
    };
  }
  return logger;
}
