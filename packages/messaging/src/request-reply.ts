import type { Envelope, Reply } from '@integrations/contracts';
import { SpanKind, currentTraceparent, inSpan } from '@integrations/observability';
import type { MessageContext } from './envelope';
import { assertValid, publishOptions, withTraceHeader, type Publisher } from './publisher';
import { failed, isReply } from './replies';
import type { RpcClient } from './rpc-client';
import { EXCHANGES, routingKeyFor, type Priority } from './topology';

/** Sends commands and waits for their replies over direct reply-to (the RpcClient's channel, no confirms). */
export class Requester {
  constructor(
    private readonly rpc: RpcClient,
    private readonly publisher: Publisher,
    private readonly isConnected: () => boolean,
    private readonly makeEnvelope: (type: string, data: unknown, ctx: MessageContext) => Envelope,
  ) {}

  /**
   * Sends a command and waits for its reply. A timeout answers UPSTREAM_TIMEOUT instead of throwing, so the api
   * turns it into a 504 like any other failed reply.
   */
  async request<R>(
    type: string,
    data: unknown,
    ctx: MessageContext,
    opts: { timeoutMs?: number; priority?: Priority } = {},
  ): Promise<Reply<R>> {
    // Validated before anything goes out, so a bad request fails the same way whether the broker is up or not.
    assertValid(this.makeEnvelope(type, data, ctx));
    if (!this.isConnected()) {
      return failed({
        code: 'UPSTREAM_TIMEOUT',
        status: 504,
        detail: 'The message broker is not reachable; try again shortly.',
      });
    }
    const timeout = opts.timeoutMs ?? 10_000;
    return inSpan(
      `${type} request`,
      { 'messaging.system': 'rabbitmq', 'messaging.destination.name': EXCHANGES.commands },
      async (span) => {
        // Made inside the span, so the consumer's work continues this trace as a child of the request.
        const envelope = this.makeEnvelope(type, data, { ...ctx, traceparent: currentTraceparent() });
        span.setAttribute('messaging.message.id', envelope.id);
        // The request expires with its caller: nobody would read a late reply.
        const sealed = await this.publisher.seal(envelope);
        const content = await this.rpc.call(
          EXCHANGES.commands,
          routingKeyFor(type, opts.priority ?? 'high'),
          sealed?.content ?? Buffer.from(JSON.stringify(envelope)),
          publishOptions(envelope, withTraceHeader({ persistent: false, headers: sealed?.headers ?? {} })),
          timeout,
        );
        if (!content) {
          return failed({
            code: 'UPSTREAM_TIMEOUT',
            status: 504,
            detail: `No answer from the ${type.split('.').slice(0, 2).join(' ')} service in time.`,
          });
        }
        let reply: unknown;
        try {
          reply = JSON.parse(content.toString('utf8'));
        } catch {
          reply = undefined;
        }
        return isReply<R>(reply)
          ? reply
          : failed({ code: 'INTERNAL', status: 500, detail: 'Malformed reply.' });
      },
      SpanKind.CLIENT,
    );
  }
}
