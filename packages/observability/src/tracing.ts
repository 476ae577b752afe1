import {
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  context,
  propagation,
  trace,
  type Context,
  type Span,
  SpanKind,
  SpanStatusCode,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { JaegerExporter } from '@opentelemetry/exporter-jaeger';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ClientRequest } from 'node:http';
import { createRequire } from 'node:module';
import { RedactingSpanProcessor, redactUrl } from './span-redaction';

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK for a service. Traces go over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT
 * (Jaeger ingests OTLP); OTEL_TRACES_EXPORTER=jaeger selects the legacy Jaeger exporter for deployments that
 * still need it. Without an endpoint (or with OTEL_SDK_DISABLED=true) nothing is exported and nothing starts.
 */
export function startTracing(options: {
  service: string;
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
  /** Export each span as it ends (tests reading an in-memory exporter); production batches. */
  exportEachSpan?: boolean;
}): Tracing {
  const env = options.env ?? process.env;
  const exporter = options.exporter ?? exporterFromEnv(env);
  if (!exporter || env.OTEL_SDK_DISABLED === 'true') return { shutdown: async () => undefined };
  const exporting: SpanProcessor = options.exportEachSpan
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(exporter);
  const http = new HttpInstrumentation({
    // Health and metrics scrapes would drown every trace: leave them out.
    ignoreIncomingRequestHook: (req) => /^\/(health|metrics)/.test(req.url ?? ''),
    // Scrub at the source too: grammY calls `…/bot<token>/<method>`; the span keeps the method, not the token.
    requestHook: (span, request) => {
      if (!isClientRequest(request)) return;
      const host = String(request.getHeader('host') ?? request.host);
      const full = redactUrl(`${request.protocol}//${host}${request.path}`);
      span.setAttribute('url.full', full);
      span.setAttribute('http.url', full);
      span.setAttribute('url.path', redactUrl(request.path.split('?')[0] ?? ''));
      const method = /\/bot[^/]+\/([A-Za-z]+)$/.exec(request.path.split('?')[0] ?? '');
      if (method?.[1]) span.setAttribute('telegram.method', method[1]);
    },
  });
  const sdk = new NodeSDK({
    serviceName: options.service,
    // Every span passes the redaction before any exporter sees it: bot tokens in URLs, phone numbers, secrets.
    spanProcessors: [new RedactingSpanProcessor(exporting)],
    instrumentations: [http],
  });
  sdk.start();
  // The instrumentation patches `http`/`https` from a require hook, when they are required after this point; a
  // service's imports (grammY's node-fetch among them) load them first, and under Jest the hook never fires. Patch
  // the loaded modules in place (the instrumentation guards against patching twice), so every client is traced.
  for (const definition of http.getModuleDefinitions()) {
    if (definition.moduleExports || !definition.patch) continue;
    const loaded: unknown = nodeRequire(definition.name);
    definition.moduleExports = loaded;
    definition.patch(loaded);
  }
  return {
    // The last flush must not fail a stop: with the collector down its spans are dropped, the service exits 0.
    shutdown: () =>
      new Promise<void>((resolve) => {
        const giveUp = setTimeout(resolve, SHUTDOWN_LIMIT_MS);
        giveUp.unref();
        sdk.shutdown().then(resolve, resolve);
      }),
  };
}

const nodeRequire = createRequire(__filename);

function isClientRequest(request: unknown): request is ClientRequest {
  return (
    typeof (request as ClientRequest).path === 'string' && typeof (request as ClientRequest).host === 'string'
  );
}

/** How long a stop waits for the last spans to leave (the exporter's own timeout is 10 s). */
const SHUTDOWN_LIMIT_MS = 5_000;

function exporterFromEnv(env: NodeJS.ProcessEnv): SpanExporter | undefined {
  const kind = (env.OTEL_TRACES_EXPORTER ?? 'otlp').toLowerCase();
  if (kind === 'none') return undefined;
  if (kind === 'jaeger') {
    // Deprecated upstream in favour of OTLP; kept only for deployments that still run the Jaeger protocol.
    return new JaegerExporter({ endpoint: env.OTEL_EXPORTER_JAEGER_ENDPOINT });
  }
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  return new OTLPTraceExporter();
}

/** W3C trace context, independent of whether the SDK registered a global propagator. */
const w3c = new W3CTraceContextPropagator();

/** The active span as a `traceparent` header value, to put on an AMQP message. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, { set: (c, k, v) => (c[k] = v) });
  return carrier['traceparent'];
}

/** The context a received `traceparent` describes (the root context when there is none). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return w3c.extract(
    ROOT_CONTEXT,
    { traceparent },
    { get: (c, k) => c[k as 'traceparent'], keys: () => ['traceparent'] },
  );
}

export function hasActiveSpan(): boolean {
  return trace.getActiveSpan() !== undefined;
}

/** Runs `fn` as a continuation of a remote trace (a message's `traceparent`). */
export function withRemoteContext<T>(traceparent: string | undefined, fn: () => T): T {
  return context.with(contextFromTraceparent(traceparent), fn);
}

/**
 * Runs `fn` inside a new span (child of the active one), records failures, and ends it. Attributes must never
 * carry secrets: callers pass ids and types, not payloads.
 */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean | undefined>,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  // Without a tracer provider (no exporter configured, the SDK not started) every span would be a no-op: skip the
  // attribute copy and the span's context switch. Errors pass through unchanged either way.
  if (!tracingOn()) return fn(NON_RECORDING_SPAN);
  const tracer = trace.getTracer('integrations');
  const clean = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
  return tracer.startActiveSpan(name, { kind, attributes: clean }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

const NON_RECORDING_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Whether a tracer provider is registered (by startTracing, or by a test): only then do spans cost anything. */
function tracingOn(): boolean {
  const provider = trace.getTracerProvider();
  return (
    !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer('integrations') !== undefined
  );
}

export { SpanKind, SpanStatusCode, propagation };
