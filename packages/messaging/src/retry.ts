import type { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { redactText } from '@integrations/observability';
import type { ConsumeMessage } from 'amqplib';
import type { Lane } from './lane';
import {
  REDACTED_HEADER,
  SEALED_HEADER,
  carriesSecrets,
  redactSecrets,
  sealSecrets,
  type FieldSealer,
} from './secret-fields';
import { EXCHANGES, queueNames } from './topology';

export const RETRY_HEADER = 'x-retry-count';
const REASON_HEADER = 'x-dead-reason';

/** Dead letters expire: a week is enough to look at and redeliver them, and nothing piles up for ever. */
const DEAD_LETTER_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Where a message goes that its handler failed on: the next retry queue of its lane (back-off by TTL), or, when
 * the retries are used up, its lane's dead queue. Every move is a confirmed publish made before the original is
 * acked: a crash in between gives a duplicate, never a loss.
 */
export class RetryAndDeadLetter {
  constructor(
    private readonly amqp: AmqpConnection,
    private readonly options: {
      retryDelays: readonly number[];
      sealer?: FieldSealer;
      deadLetterTtlMs?: number;
    },
  ) {}

  /**
   * Whether the message may wait for another attempt: retries left, and a secret in it can be sealed (a secret
   * never waits in a retry queue in plain text).
   */
  canRetry(msg: ConsumeMessage, attempt: number): boolean {
    return (
      attempt < this.options.retryDelays.length && (!carriesSecrets(msg.content) || !!this.options.sealer)
    );
  }

  /** Puts the message in its lane's retry queue for attempt `attempt + 1`, its secrets sealed with our key. */
  async retry(lane: Lane, msg: ConsumeMessage, attempt: number): Promise<void> {
    const { sealer } = this.options;
    const sealed =
      carriesSecrets(msg.content) && sealer
        ? await sealSecrets(msg.content, sealer)
        : { content: msg.content, fields: [] };
    const headers: Record<string, unknown> = { ...msg.properties.headers, [RETRY_HEADER]: attempt + 1 };
    delete headers[SEALED_HEADER];
    if (sealed.fields.length > 0) headers[SEALED_HEADER] = sealed.fields.join(',');
    await this.amqp.publish('', queueNames(lane.queue).retry(attempt + 1), sealed.content, {
      ...msg.properties,
      headers,
    });
  }

  /**
   * Parks a message in its lane's dead queue: secret fields replaced by `[REDACTED]` (named in a header), the
   * reason redacted, and a per-message TTL so dead letters do not stay for ever.
   */
  async deadLetter(lane: Lane, msg: ConsumeMessage, reason: string): Promise<void> {
    const redacted = redactSecrets(msg.content);
    const headers: Record<string, unknown> = {
      ...msg.properties.headers,
      [REASON_HEADER]: redactText(reason).slice(0, 1000),
      'x-original-queue': lane.queue,
      'x-original-routing-key': msg.fields.routingKey,
    };
    delete headers[SEALED_HEADER];
    if (redacted.fields.length > 0) headers[REDACTED_HEADER] = redacted.fields.join(',');
    await this.amqp.publish(EXCHANGES.dlx, lane.deadKey, redacted.content, {
      ...msg.properties,
      replyTo: undefined,
      expiration: String(this.options.deadLetterTtlMs ?? DEAD_LETTER_TTL_MS),
      headers,
    });
  }
}
