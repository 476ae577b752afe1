import type { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import type { Channel } from 'amqplib';
import type { Lane } from './lane';
import {
  EXCHANGES,
  bindingsFor,
  deadQueueName,
  keyedQueueArguments,
  queueNames,
  retryQueueArguments,
  workQueueArguments,
} from './topology';

/**
 * Declares queues, their retry queues and dead-letter queues. Every declaration is a setup of the managed channel,
 * run again on every (re)connect, so a reset broker gets its topology back without a restart.
 */
export class TopologySetup {
  constructor(
    private readonly amqp: AmqpConnection,
    private readonly retryDelays: readonly number[],
  ) {}

  /** A command queue's lanes bound to the commands exchange (each binding at its lane's priority), and its dead queue. */
  async declareCommandLanes(lanes: readonly Lane[], bindings: readonly string[]): Promise<void> {
    for (const deadKey of new Set(lanes.map((lane) => lane.deadKey))) await this.declareDeadQueue(deadKey);
    for (const lane of lanes) {
      const keys = bindings.flatMap((b) => bindingsFor(b, lane.priority));
      await this.declareLane(lane, keys, EXCHANGES.commands);
    }
  }

  /**
   * An event queue bound to the events exchange by `patterns` while `isBound()` says so (read on every
   * (re)connect), with its dead queue unless it is transient.
   */
  async declareEventLane(lane: Lane, patterns: readonly string[], isBound = () => true): Promise<void> {
    if (!lane.transient) await this.declareDeadQueue(lane.deadKey);
    await this.declareLane(lane, patterns, EXCHANGES.events, isBound);
  }

  /**
   * Binds or unbinds an event queue declared by `declareEventLane` now. Without a connection it does nothing: the
   * setup applies the caller's state on the next connect.
   */
  async setEventBindings(queue: string, patterns: readonly string[], bound: boolean): Promise<void> {
    const channel = this.amqp.managedChannel;
    for (const pattern of patterns) {
      if (bound) await channel.bindQueue(queue, EXCHANGES.events, pattern);
      else await channel.unbindQueue(queue, EXCHANGES.events, pattern);
    }
  }

  /** The direct exchange of `declareKeyedQueues` alone, for a service that publishes to its queues. */
  async declareKeyedExchange(exchange: string): Promise<void> {
    await this.addSetup(async (channel) => {
      await channel.assertExchange(exchange, 'direct', { durable: true });
    });
  }

  /**
   * A durable direct exchange and, bound to it by their own names, one priority queue per key (with its retry
   * queues, dead-lettering into `<deadKey>.dead`).
   */
  async declareKeyedQueues(exchange: string, queues: readonly string[], deadKey: string): Promise<void> {
    await this.declareDeadQueue(deadKey);
    await this.declareKeyedExchange(exchange);
    await this.addSetup(async (channel) => {
      for (const queue of queues) {
        await channel.assertQueue(queue, { durable: true, arguments: keyedQueueArguments(deadKey) });
        await this.assertRetryQueues(channel, queue);
        await channel.bindQueue(queue, exchange, queue);
      }
    });
  }

  /** `<deadKey>.dead`, a quorum queue bound to the dead-letter exchange by the key. */
  private async declareDeadQueue(deadKey: string): Promise<void> {
    await this.addSetup(async (channel) => {
      await channel.assertQueue(deadQueueName(deadKey), {
        durable: true,
        arguments: { 'x-queue-type': 'quorum' },
      });
      await channel.bindQueue(deadQueueName(deadKey), EXCHANGES.dlx, deadKey);
    });
  }

  private async declareLane(
    lane: Lane,
    bindings: readonly string[],
    exchange: string,
    isBound = () => true,
  ): Promise<void> {
    await this.addSetup(async (channel) => {
      if (lane.transient) {
        await channel.assertQueue(lane.queue, { durable: false, exclusive: true, autoDelete: true });
      } else {
        await channel.assertQueue(lane.queue, {
          durable: true,
          arguments: workQueueArguments(lane.deadKey, lane.label === 'events' ? 'events' : lane.priority),
        });
        await this.assertRetryQueues(channel, lane.queue);
      }
      // An unbound queue is unbound explicitly: a durable one keeps the bindings of its previous life.
      const bound = isBound();
      for (const binding of bindings) {
        if (bound) await channel.bindQueue(lane.queue, exchange, binding);
        else await channel.unbindQueue(lane.queue, exchange, binding);
      }
    });
  }

  /** The back-off queues of a work queue: each holds a message for its delay, then hands it back. */
  private async assertRetryQueues(channel: Channel, queue: string): Promise<void> {
    const names = queueNames(queue);
    for (const [i, delay] of this.retryDelays.entries()) {
      await channel.assertQueue(names.retry(i + 1), {
        durable: true,
        arguments: retryQueueArguments(names.work, delay),
      });
    }
  }

  private async addSetup(setup: (channel: Channel) => Promise<void>): Promise<void> {
    await this.amqp.managedChannel.addSetup(setup);
  }
}
