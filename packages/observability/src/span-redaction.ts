import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { REDACTED, isSecretKey, redactText } from './redact';

/** `https://api.telegram.org/bot<token>/sendMessage` → `…/bot[REDACTED]/sendMessage` (and any token shape). */
export function redactUrl(url: string): string {
  return redactText(url.replace(/\/bot[^/?#]+/g, `/bot${REDACTED}`));
}

function redactAttributeValue(key: string, value: AttributeValue | undefined): AttributeValue | undefined {
  if (value === undefined || value === null) return value;
  if (isSecretKey(key)) return REDACTED;
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value))
    return value.map((item) => (typeof item === 'string' ? redactUrl(item) : item)) as AttributeValue;
  return value;
}

/** A copy of span attributes with secrets replaced, by key name and by value shape. */
export function redactAttributes(attributes: Attributes | undefined): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) out[key] = redactAttributeValue(key, value);
  return out;
}

function redactEvent(event: TimedEvent): TimedEvent {
  return { ...event, name: redactText(event.name), attributes: redactAttributes(event.attributes) };
}

/** The span as exporters see it: same identity and timing, redacted name, attributes, events and status. */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  const status = span.status.message
    ? { ...span.status, message: redactText(span.status.message) }
    : span.status;
  // A view over the original (its spanContext() and the rest stay the SDK's), with the redacted fields on top.
  return Object.create(span, {
    name: { value: redactUrl(span.name), enumerable: true },
    attributes: { value: redactAttributes(span.attributes), enumerable: true },
    events: { value: span.events.map(redactEvent), enumerable: true },
    status: { value: status, enumerable: true },
    links: {
      value: span.links.map((link) => ({ ...link, attributes: redactAttributes(link.attributes) })),
      enumerable: true,
    },
  }) as ReadableSpan;
}

/**
 * Wraps the exporting processor: every finished span is redacted before it is handed on, so no exporter (OTLP,
 * Jaeger, in-memory) ever receives a token, password, session string or full phone number.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly inner: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.inner.onEnd(redactSpan(span));
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
