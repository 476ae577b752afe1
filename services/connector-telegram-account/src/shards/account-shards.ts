import type { CommandHandler, Messaging, StoppableConsumer } from '@integrations/messaging';
import { telegramMetrics, type Logger, type Registry } from '@integrations/observability';
import type { AccountStore } from '../accounts/account-store';
import type { FlowsService } from '../flows/flows.service';
import type { AccountMessagesService } from '../messages/messages.service';
import type { LiveClients } from '../telegram/live-clients';
import { shardOf, type ShardOwner } from './shard-leases';

/** Account commands move from the service's lanes to one queue per shard through this exchange. */
export const SHARD_EXCHANGE = 'integrations.account.shards';

/**
 * What serving a shard means for the account connector: consuming its queue, holding the live clients of its
 * users' accounts, and finishing their interrupted sends. Taking and giving up one shard never overlap (each
 * shard's changes run one after another); giving up waits for the commands in hand, so none is cut off.
 */
export class AccountShards implements ShardOwner {
  private readonly consumers = new Map<number, StoppableConsumer>();
  private readonly changes = new Map<number, Promise<unknown>>();
  private readonly metrics;

  constructor(
    private readonly deps: {
      service: string;
      shards: number;
      messaging: Messaging;
      handler: CommandHandler;
      store: AccountStore;
      live: LiveClients;
      flows: FlowsService;
      messages: AccountMessagesService;
      restoreConcurrency: number;
      registry: Registry;
      logger: Logger;
    },
  ) {
    this.metrics = telegramMetrics(deps.registry);
    this.metrics.shardLeasesHeld.set(0);
  }

  queueOf(shard: number): string {
    return `${this.deps.service}.shard.${shard}`;
  }

  /** Declares the shard queues and moves every account command into the queue of its user's shard. */
  async route(bindings: string[]): Promise<void> {
    const { messaging, service, shards } = this.deps;
    const queues = Array.from({ length: shards }, (_, shard) => this.queueOf(shard));
    await messaging.declareKeyedQueues(SHARD_EXCHANGE, queues, service);
    await messaging.forwardCommands({
      queue: service,
      bindings,
      exchange: SHARD_EXCHANGE,
      route: (envelope) => this.queueOf(shardOf(envelope.userid, shards)),
    });
  }

  acquire(shard: number): Promise<void> {
    return this.serially(shard, async () => {
      const { messaging, handler, store, live, messages, service, restoreConcurrency } = this.deps;
      const ofShard = this.ofShard(shard);
      // Sends the previous owner left unfinished are picked up before any new command can start one.
      await messages.recover(ofShard);
      // Then commands flow at once; an account whose client is not back yet connects on its first command.
      this.consumers.set(
        shard,
        await messaging.consumeUntilStopped({ queue: this.queueOf(shard), deadKey: service, handler }),
      );
      this.metrics.shardLeasesHeld.set(this.consumers.size);
      const rows = (await store.restorable()).filter((row) => ofShard(row.user_id));
      await live.restoreAll(rows, restoreConcurrency);
    });
  }

  release(shard: number): Promise<void> {
    return this.serially(shard, async () => {
      const consumer = this.consumers.get(shard);
      this.consumers.delete(shard);
      this.metrics.shardLeasesHeld.set(this.consumers.size);
      await consumer?.stop();
      const ofShard = this.ofShard(shard);
      // Sends accepted asynchronously finish here; the next owner would otherwise resend them (harmlessly).
      this.deps.messages.stopRetries(ofShard);
      await this.deps.messages.drain();
      await this.deps.flows.expireWhere(ofShard);
      await this.deps.live.closeWhere(ofShard);
    });
  }

  /**
   * Connects again the accounts of the shards held here that have no live client (Telegram was unreachable when
   * they were restored, or the health sweep dropped a client that was cut off).
   */
  async reconnectMissing(): Promise<void> {
    const { store, live, restoreConcurrency } = this.deps;
    const missing = (await store.restorable()).filter(
      (row) => this.consumers.has(shardOf(row.user_id, this.deps.shards)) && !live.has(row.id),
    );
    await live.restoreAll(missing, restoreConcurrency);
  }

  private ofShard(shard: number): (userId: string) => boolean {
    return (userId) => shardOf(userId, this.deps.shards) === shard;
  }

  private serially(shard: number, change: () => Promise<void>): Promise<void> {
    const next = (this.changes.get(shard) ?? Promise.resolve()).then(change);
    this.changes.set(
      shard,
      next.catch(() => undefined),
    );
    return next;
  }
}
