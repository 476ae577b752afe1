import { KeyedQueue } from '@integrations/connector-kit';
import { ACCOUNT_SHARDS } from '@integrations/contracts';
import {
  shardQueueFor,
  shardQueueOf,
  type CommandHandler,
  type Messaging,
  type ShardRouting,
  type StoppableConsumer,
} from '@integrations/messaging';
import { telegramMetrics, type Logger, type Registry } from '@integrations/observability';
import type { Accounts } from '../accounts/accounts.repository';
import type { FlowsService } from '../flows/flows.service';
import type { AccountMessagesService } from '../messages/messages.service';
import type { LiveClients } from '../telegram/live-clients';
import { shardOf, type ShardOwner } from './shard-leases';

/** Account commands move from the service's lanes to one queue per shard through this exchange. */
export const SHARD_EXCHANGE = ACCOUNT_SHARDS.exchange;

/**
 * What serving a shard means for the account connector: consuming its queue, holding the live clients of its
 * users' accounts, and finishing their interrupted sends. Taking and giving up one shard never overlap (each
 * shard's changes run one after another); giving up waits for the commands in hand, so none is cut off.
 *
 * Taking a shard does not wait for its sessions: commands flow at once and the sessions are restored in the
 * background, a few at a time, each a bounded call (an account a command needs first connects on that command).
 */
export class AccountShards implements ShardOwner {
  private readonly consumers = new Map<number, StoppableConsumer>();
  /** A shard's changes (taking it, giving it up) run one after another. */
  private readonly changes = new KeyedQueue();
  private readonly restores = new Map<number, Promise<void>>();
  private readonly metrics;

  constructor(
    private readonly deps: {
      service: string;
      shards: number;
      messaging: Pick<Messaging, 'declareKeyedQueues' | 'forwardCommands' | 'consumeUntilStopped'>;
      handler: CommandHandler;
      store: Pick<Accounts, 'markConnecting' | 'restorable'>;
      live: Pick<LiveClients, 'size' | 'has' | 'restoreAll' | 'closeWhere'>;
      flows: Pick<FlowsService, 'expireWhere'>;
      messages: Pick<AccountMessagesService, 'recover' | 'stopRetries' | 'drain'>;
      restoreConcurrency: number;
      registry: Registry;
      logger: Logger;
    },
  ) {
    this.metrics = telegramMetrics(deps.registry);
    this.metrics.shardLeasesHeld.set(0);
  }

  queueOf(shard: number): string {
    return shardQueueOf(this.deps.service, shard);
  }

  /** Where a user's commands go; a shard's consumer moves on a command that is not its own (see `route`). */
  private get routing(): ShardRouting {
    return { exchange: SHARD_EXCHANGE, service: this.deps.service, shards: this.deps.shards };
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
      route: (envelope) => shardQueueFor(this.routing, envelope.userid),
    });
  }

  /** The shards this replica serves, for queries over them. */
  held(): { shards: number[]; of: number } {
    return { shards: [...this.consumers.keys()], of: this.deps.shards };
  }

  acquire(shard: number): Promise<void> {
    return this.serially(shard, async () => {
      const { messaging, handler, store, messages, service, shards } = this.deps;
      // Before anything can connect one of them: accounts said active have no client here yet.
      await store.markConnecting({ shards: [shard], of: shards });
      // Sends the previous owner left unfinished are picked up before any new command can start one.
      await messages.recover(this.ofShard(shard));
      // Then commands flow at once; an account whose client is not back yet connects on its first command.
      this.consumers.set(
        shard,
        await messaging.consumeUntilStopped({
          queue: this.queueOf(shard),
          deadKey: service,
          handler,
          shards: this.routing,
        }),
      );
      this.metrics.shardLeasesHeld.set(this.consumers.size);
      this.restores.set(
        shard,
        this.restore(shard)
          .catch((error: unknown) => {
            this.deps.logger.error('restoring a shard failed', { shard, error });
          })
          .finally(() => this.restores.delete(shard)),
      );
    });
  }

  /** Sessions of a shard restored in the background; stops taking new ones once the shard is given up. */
  private async restore(shard: number): Promise<void> {
    const { store, live, restoreConcurrency, shards, logger } = this.deps;
    const started = Date.now();
    const rows = await store.restorable({ shards: [shard], of: shards });
    const serving = () => this.consumers.has(shard);
    const live0 = live.size;
    await live.restoreAll(rows, restoreConcurrency, serving);
    logger.info('shard sessions restored', {
      shard,
      accounts: rows.length,
      connected: live.size - live0,
      ms: Date.now() - started,
    });
  }

  release(shard: number): Promise<void> {
    return this.serially(shard, async () => {
      const consumer = this.consumers.get(shard);
      this.consumers.delete(shard);
      this.metrics.shardLeasesHeld.set(this.consumers.size);
      await consumer?.stop();
      // A restore in progress takes no new account now; the ones it is connecting are bounded calls.
      await this.restores.get(shard);
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
    const missing = (await store.restorable(this.held())).filter((row) => !live.has(row.id));
    await live.restoreAll(missing, restoreConcurrency, () => true);
  }

  private ofShard(shard: number): (userId: string) => boolean {
    return (userId) => shardOf(userId, this.deps.shards) === shard;
  }

  private serially(shard: number, change: () => Promise<void>): Promise<void> {
    return this.changes.run(String(shard), change);
  }
}
