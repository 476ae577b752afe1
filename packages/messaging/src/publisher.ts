import type { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import {
  DomainError,
  ENVELOPE_CONTENT_TYPE,
  TRACEPARENT_HEADER,
  type Envelope,
  validateEnvelope,
  validateMessageData,
} from '@integrations/contracts';
import {
  SpanKind,
  currentTraceparent,
  hasActiveSpan,
  inSpan,
  withRemoteContext,
} from '@integrations/observability';
import type { Options } from 'amqplib';
import { SEALED_HEADER, envelopeCarriesSecrets, sealSecrets, type FieldSealer } from './secret-fields';
import { EXCHANGES, type ExchangeAlias } from './topology';

/** A command's bytes with its secret fields sealed, and the header naming them. */
export interface SealedContent {
  content: Buffer;
  headers: Record<string, string>;
}

/**
 * Confirmed publishing of validated envelopes (the service's confirm channel). A command's secret fields leave
 * sealed when the service has a key; every publish is a PRODUCER span whose context travels in the headers.
 */
export class Publisher {
  constructor(
    private readonly amqp: AmqpConnection,
    private readonly sealer: FieldSealer | undefined,
  ) {}

  /**
   * Publishes a validated envelope and resolves once the broker confirmed it. Fails at once when disconnected,
   * rather than buffering in memory: the caller (the outbox relay, or a REST request) decides what to do.
   */
  async publishEnvelope(
    exchange: ExchangeAlias,
    routingKey: string,
    envelope: Envelope,
    extra: Options.Publish = {},
  ): Promise<void> {
    assertValid(envelope);
    if (!this.amqp.connected) throw new Error('RabbitMQ is not connected');
    const publish = () =>
      inSpan(
        `${envelope.type} publish`,
        {
          'messaging.system': 'rabbitmq',
          'messaging.destination.name': EXCHANGES[exchange],
          'messaging.rabbitmq.destination.routing_key': routingKey,
          'messaging.message.id': envelope.id,
        },
        async () => {
          // A command's secret fields leave sealed when this service has a key (the consumer opens them).
          const sealed = exchange === 'commands' ? await this.seal(envelope) : undefined;
          await this.amqp.publish(
            EXCHANGES[exchange],
            routingKey,
            sealed?.content ?? envelope,
            // The header names this publish span, so the consumer's span becomes its child.
            publishOptions(
              envelope,
              withTraceHeader({ ...extra, headers: { ...extra.headers, ...sealed?.headers } }),
            ),
          );
        },
        SpanKind.PRODUCER,
      );
    // The outbox relay publishes outside any request: it continues the trace the envelope was made in.
    await (hasActiveSpan() ? publish() : withRemoteContext(envelope.traceparent, publish));
  }

  /** The envelope with its secret fields sealed, and the header naming them; undefined when there is nothing to seal. */
  async seal(envelope: Envelope): Promise<SealedContent | undefined> {
    // Most commands carry no secret: found out from the object, before anything is serialized.
    if (!this.sealer || !envelopeCarriesSecrets(envelope)) return undefined;
    const raw = Buffer.from(JSON.stringify(envelope));
    const sealed = await sealSecrets(raw, this.sealer);
    return { content: sealed.content, headers: { [SEALED_HEADER]: sealed.fields.join(',') } };
  }
}

/** A message the contracts do not allow never leaves: VALIDATION_FAILED, before anything is sent. */
export function assertValid(envelope: Envelope): void {
  const result = validateEnvelope(envelope);
  const data = result.valid ? validateMessageData(envelope.type, envelope.data) : result;
  if (!data.valid) {
    throw new DomainError('VALIDATION_FAILED', `invalid ${envelope.type} message`, { errors: data.errors });
  }
}

/** The AMQP properties of an envelope: persistent, its id, type and time, and its trace header. */
export function publishOptions(envelope: Envelope, extra: Options.Publish): Options.Publish {
  return {
    persistent: true,
    contentType: ENVELOPE_CONTENT_TYPE,
    messageId: envelope.id,
    type: envelope.type,
    timestamp: Math.floor(Date.parse(envelope.time) / 1000),
    ...extra,
    headers: {
      ...(envelope.traceparent ? { [TRACEPARENT_HEADER]: envelope.traceparent } : {}),
      ...extra.headers,
    },
  };
}

/** The active span as the message's `traceparent` header, when there is one. */
export function withTraceHeader(extra: Options.Publish): Options.Publish {
  const traceparent = currentTraceparent();
  return traceparent ? { ...extra, headers: { ...extra.headers, traceparent } } : extra;
}
