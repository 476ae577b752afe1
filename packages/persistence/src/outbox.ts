import { sql, type Generated, type Kysely, type Migration, type Transaction } from 'kysely';

/** Minimal envelope shape the outbox needs (the full one lives in @integrations/contracts). */
export interface OutboxEnvelope {
  id: string;
  type: string;
}

export type OutboxExchange = 'events' | 'commands';

export interface OutboxTable {
  outbox: {
    id: Generated<number>;
    event_id: string;
    exchange: OutboxExchange;
    routing_key: string;
    envelope: string;
    attempts: Generated<number>;
    created_at: Generated<Date>;
    published_at: Date | null;
  };
}

export const outboxMigration: Migration = {
  async up(db) {
    await db.schema
      .createTable('outbox')
      .ifNotExists()
      .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
      .addColumn('event_id', 'varchar(128)', (c) => c.notNull().unique())
      .addColumn('exchange', 'varchar(32)', (c) => c.notNull())
      .addColumn('routing_key', 'varchar(255)', (c) => c.notNull())
      .addColumn('envelope', sql`longtext`, (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`current_timestamp(3)`))
      .addColumn('published_at', sql`datetime(3)`)
      .execute();
    await db.schema.createIndex('outbox_pending').on('outbox').columns(['published_at', 'id']).execute();
  },
  async down(db) {
    await db.schema.dropTable('outbox').ifExists().execute();
  },
};

/**
 * Records an event in the same transaction as the state change it describes; the relay publishes it once the
 * transaction has committed. A rolled-back change never produces its event, a committed one always does.
 */
export async function enqueueOutbox(
  trx: Kysely<OutboxTable> | Transaction<OutboxTable>,
  envelope: OutboxEnvelope,
  options: { exchange?: OutboxExchange; routingKey?: string } = {},
): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({
      event_id: envelope.id,
      exchange: options.exchange ?? 'events',
      routing_key: options.routingKey ?? envelope.type,
      envelope: JSON.stringify(envelope),
    })
    .execute();
}

export type OutboxPublish = (
  exchange: OutboxExchange,
  routingKey: string,
  envelope: unknown,
) => Promise<void>;

export interface OutboxRelayOptions {
  // The relay only touches its own table; any service database that ran outboxMigration will do.
  db: Kysely<OutboxTable>;
  publish: OutboxPublish;
  logger?: { warn(message: string, meta?: Record<string, unknown>): void };
  /** How often to look for rows when nobody kicks the relay. */
  intervalMs?: number;
  batch?: number;
  /** Published rows older than this are deleted. */
  retainMs?: number;
}

export interface OutboxRelay {
  /** Publish now (call after a commit for low latency); resolves with the number published. */
  flushNow(): Promise<number>;
  /** Ask for a flush soon without waiting for it. */
  kick(): void;
  stop(): Promise<void>;
}

const backoffMs = (failures: number) => Math.min(30_000, 100 * 2 ** Math.min(failures, 9));

/**
 * Publishes outbox rows in order. Rows are claimed with FOR UPDATE SKIP LOCKED, so several replicas relay the
 * same table without publishing a row twice; a failed publish leaves the row (and the ones after it) for a later
 * attempt and pauses the relay with exponential back-off, so nothing is lost or reordered while RabbitMQ is down.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const intervalMs = options.intervalMs ?? 500;
  const batch = options.batch ?? 100;
  const retainMs = options.retainMs ?? 24 * 3600_000;
  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;
  let lastPrune = 0;
  let failures = 0;
  let pausedUntil = 0;

  const flushOnce = async (): Promise<number> =>
    options.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'exchange', 'routing_key', 'envelope', 'attempts'])
        .where('published_at', 'is', null)
        .orderBy('id')
        .limit(batch)
        .forUpdate()
        .skipLocked()
        .execute();
      const published: (typeof rows)[number]['id'][] = [];
      for (const row of rows) {
        try {
          await options.publish(row.exchange, row.routing_key, JSON.parse(row.envelope));
        } catch (error) {
          options.logger?.warn('outbox publish failed; will retry', {
            outboxId: row.id,
            attempts: row.attempts + 1,
            error,
          });
          // The whole relay backs off, not just this row: later events must not overtake it.
          await trx
            .updateTable('outbox')
            .set({ attempts: row.attempts + 1 })
            .where('id', '=', row.id)
            .execute();
          failures += 1;
          pausedUntil = Date.now() + backoffMs(failures);
          break;
        }
        published.push(row.id);
      }
      // One statement marks the whole batch: the rows stay locked until the commit, so none is published twice.
      if (published.length > 0) {
        await trx
          .updateTable('outbox')
          .set({ published_at: sql<Date>`current_timestamp(3)` })
          .where('id', 'in', published)
          .execute();
      }
      return published.length;
    });

  const prune = async () => {
    if (Date.now() - lastPrune < 60_000) return;
    lastPrune = Date.now();
    await options.db
      .deleteFrom('outbox')
      .where('published_at', '<', sql<Date>`current_timestamp(3) - interval ${retainMs * 1000} microsecond`)
      .execute();
  };

  const flushNow = (): Promise<number> => {
    if (Date.now() < pausedUntil) return Promise.resolve(0);
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          const n = await flushOnce();
          total += n;
          if (n === batch && failures === 0) again = true;
        } while (again && !stopped);
        await prune();
      } catch (error) {
        options.logger?.warn('outbox relay pass failed', { error });
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  };

  const timer = setInterval(() => void flushNow(), intervalMs);
  timer.unref();
  return {
    flushNow,
    kick: () => void flushNow(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
