import type { ConsumeMessage } from 'amqplib';
import { PRIORITIES, type Priority } from './topology';

/** One queue a consumer takes messages from, and where what it cannot handle goes. */
export interface Lane {
  /** The work queue this lane consumes. */
  queue: string;
  /**
   * The dead-letter exchange's routing key for this lane's parked messages: they land in `<deadKey>.dead`.
   * A command queue's three lanes share their queue's key; a shard's queues share the key they were declared with.
   */
  deadKey: string;
  /** The metric label: high, mid, low, events or shard. */
  label: string;
  priority: Priority;
  /** Transient lanes (a per-instance fan-out queue) neither retry nor dead-letter. */
  transient: boolean;
}

/** A command queue's lanes, `<queue>.high|mid|low`, dead-lettering under the queue's own name. */
export function commandLanes(queue: string, priorities: readonly Priority[] = PRIORITIES): Lane[] {
  return priorities.map((priority) => ({
    queue: `${queue}.${priority}`,
    deadKey: queue,
    label: priority,
    priority,
    transient: false,
  }));
}

/** An event queue: durable and dead-lettered under its name, or this instance's own transient queue. */
export function eventLane(queue: string, transient: boolean): Lane {
  return { queue, deadKey: queue, label: 'events', priority: 'mid', transient };
}

/** One of the keyed queues of `declareKeyedQueues`, dead-lettering under the key they were declared with. */
export function shardLane(queue: string, deadKey: string): Lane {
  return { queue, deadKey, label: 'shard', priority: 'mid', transient: false };
}

/** AMQP message priority of each lane, kept when a command is forwarded into a single (priority) queue. */
export const LANE_PRIORITY: Record<Priority, number> = { high: 3, mid: 2, low: 1 };

/** The lane a forwarded command came from, read back from its AMQP priority. */
export function priorityOf(msg: ConsumeMessage): Priority {
  const level = msg.properties.priority as number | undefined;
  return level === LANE_PRIORITY.high ? 'high' : level === LANE_PRIORITY.low ? 'low' : 'mid';
}
