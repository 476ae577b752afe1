export { createLogger, type Logger, type LoggerOptions } from './logger';
export { REDACTED, isSecretKey, maskPhone, redact, redactText } from './redact';
export { RedactingSpanProcessor, redactAttributes, redactSpan, redactUrl } from './span-redaction';
export {
  LATENCY_BUCKETS,
  aclMetrics,
  apiMetrics,
  createMetricsRegistry,
  keyRotationMetrics,
  queueMetrics,
  telegramMetrics,
  webhookMetrics,
} from './metrics';
export {
  SpanKind,
  SpanStatusCode,
  contextFromTraceparent,
  currentTraceparent,
  hasActiveSpan,
  inSpan,
  startTracing,
  withRemoteContext,
  type Tracing,
} from './tracing';
export type { Registry } from 'prom-client';
export { runChecks, startOpsServer, type OpsServer, type ReadinessCheck } from './ops-server';
export { runService } from './run-service';
