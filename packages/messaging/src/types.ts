import type { Envelope } from '@integrations/contracts';
import type { Priority } from './topology';

/** The log methods the messaging layer uses: the services' winston logger fits, and so does `console`. */
export interface MessagingLogger {
  debug(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

/** How a command arrived. */
export interface CommandMeta {
  priority: Priority;
  redelivered: boolean;
  /**
   * Its sender waits for a reply (request/reply). A fire-and-forget command is answered by no one: what the
   * sender learns of it comes only from events and state, so a refusal must be recorded rather than replied.
   */
  answered: boolean;
}

export type CommandHandler = (envelope: Envelope, meta: CommandMeta) => Promise<unknown>;
export type EventHandler = (envelope: Envelope) => Promise<void>;

/** A consumer that can be stopped on its own (a shard handed to another replica). */
export interface StoppableConsumer {
  /** Stops taking messages, waits for those in hand to finish, and closes its channel (unacked ones go back). */
  stop(): Promise<void>;
}

/** Switches an event queue's bindings on and off (`consumeEvents` with `bound: false` starts unbound). */
export interface EventBindings {
  /** Resolves once the broker has the bindings: an event published after that reaches the queue. */
  bind(): Promise<void>;
  /** Resolves once the broker has dropped them: nothing more is routed to the queue. */
  unbind(): Promise<void>;
}
