import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import { DIRECT_REPLY_TO } from '@integrations/contracts';
import { randomUUID } from 'node:crypto';

/**
 * Request/reply over RabbitMQ's direct reply-to, on a channel of its own without publisher confirms: the reply
 * itself proves the request arrived, and waiting for a quorum queue's confirm (a Raft commit with an fsync)
 * would only add milliseconds to every interactive call. The channel is re-created with its reply consumer on
 * every reconnect; a request whose reply was lost in a reconnect times out.
 */
export class RpcClient {
  private readonly pending = new Map<string, (content: Buffer) => void>();
  private readonly channel: ChannelWrapper;

  constructor(connection: AmqpConnectionManager) {
    this.channel = connection.createChannel({
      name: 'rpc',
      confirm: false,
      setup: async (channel: Channel) => {
        await channel.consume(DIRECT_REPLY_TO, (msg: ConsumeMessage | null) => this.settle(msg), {
          noAck: true,
        });
      },
    });
    // A setup cut short by a lost connection is emitted as 'error'; without a listener it would crash the
    // process. The wrapper sets the channel up again on the next connect, so there is nothing else to do.
    this.channel.on('error', () => undefined);
  }

  waitForConnect(): Promise<void> {
    return this.channel.waitForConnect();
  }

  /** Resolves with the reply's bytes, or undefined when none came within `timeoutMs`. */
  async call(
    exchange: string,
    routingKey: string,
    body: Buffer,
    options: Options.Publish,
    timeoutMs: number,
  ): Promise<Buffer | undefined> {
    const correlationId = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<Buffer | undefined>((resolve) => {
      this.pending.set(correlationId, resolve);
      timer = setTimeout(() => {
        this.pending.delete(correlationId);
        resolve(undefined);
      }, timeoutMs);
    });
    try {
      await this.channel.publish(exchange, routingKey, body, {
        ...options,
        replyTo: DIRECT_REPLY_TO,
        correlationId,
        expiration: String(timeoutMs),
      });
    } catch (error) {
      this.pending.delete(correlationId);
      clearTimeout(timer);
      throw error;
    }
    const result = await reply;
    clearTimeout(timer);
    return result;
  }

  /**
   * Answers a request on this channel: a reply goes to the caller's direct reply-to, which keeps nothing, so a
   * publisher confirm would prove nothing and would only hold the request's ack back a broker round trip.
   */
  async reply(replyTo: string, correlationId: string | undefined, body: Buffer): Promise<void> {
    await this.channel.publish('', replyTo, body, {
      ...(correlationId === undefined ? {} : { correlationId }),
      contentType: 'application/json',
    });
  }

  async close(): Promise<void> {
    await this.channel.close();
  }

  private settle(msg: ConsumeMessage | null): void {
    const id = msg?.properties.correlationId as string | undefined;
    if (!msg || !id) return;
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.(msg.content);
  }
}
