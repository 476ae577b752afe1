import type { Envelope, Reply } from '@integrations/contracts';
import { SpanKind, currentTraceparent, inSpan } from '@integrations/observability';
import type { MessageContext } from './envelope';
import { assertValid, publishOptions, withTraceHeader, type Publisher } from './publisher';
import { failed, isReply } from './replies';
import type { RpcClient } from './rpc-client';
import { LANE_PRIORITY } from './lane';
import { shardQueueFor, type ShardRouting } from './shards';
import { EXCHANGES, routingKeyFor, type Priority } from './topology';

export interface RequestOptions {
  timeoutMs?: number;
  priority?: Priority;
  /**
   * The command goes straight to the queue of its user's shard (`ctx.userId`) rather than to the commands
   * exchange, whose lane a sharded service would only forward it from: one broker hop and one consumer fewer.
   */
  shard?: ShardRouting;
}

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
    opts: RequestOptions = {},
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
    const priority = opts.priority ?? 'high';
    // Straight to a shard's queue, the lane kept as the message's priority (as a forwarding consumer keeps it).
    const exchange = opts.shard?.exchange ?? EXCHANGES.commands;
    const routingKey = opts.shard ? shardQueueFor(opts.shard, ctx.userId) : routingKeyFor(type, priority);
    const laneProperties = opts.shard ? { priority: LANE_PRIORITY[priority] } : {};
    return inSpan(
      `${type} request`,
      { 'messaging.system': 'rabbitmq', 'messaging.destination.name': exchange },
      async (span) => {
        // Made inside the span, so the consumer's work continues this trace as a child of the request.
        const envelope = this.makeEnvelope(type, data, { ...ctx, traceparent: currentTraceparent() });
        span.setAttribute('messaging.message.id', envelope.id);
        // The request expires with its caller: nobody would read a late reply.
        const sealed = await this.publisher.seal(envelope);
        const content = await this.rpc.call(
          exchange,
          routingKey,
          sealed?.content ?? Buffer.from(JSON.stringify(envelope)),
          publishOptions(
            envelope,
            withTraceHeader({ persistent: false, headers: sealed?.headers ?? {}, ...laneProperties }),
          ),
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
