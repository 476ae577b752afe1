import {
  sql,
  type CompiledQuery,
  type Generated,
  type Kysely,
  type Migration,
  type Selectable,
  type Transaction,
} from 'kysely';
import { GroupCommit } from './group-commit';
import { transactionInTwoTrips } from './one-trip';
import { StatementCache } from './statement-cache';

/** The outbox's statements on the send path, compiled once per shape (all our databases are MariaDB). */
const statements = new StatementCache();

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
    /** Until when the row is its writer's to publish (see `OutboxRelay.handOff`); the relay leaves it alone. */
    leased_until: Date | null;
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
      // Also added by `outboxLeaseMigration` to the tables made before it.
      .addColumn('leased_until', sql`datetime(3)`)
      .execute();
    await db.schema.createIndex('outbox_pending').on('outbox').columns(['published_at', 'id']).execute();
  },
  async down(db) {
    await db.schema.dropTable('outbox').ifExists().execute();
  },
};

/**
 * The lease column of `OutboxRelay.handOff`, for outbox tables made before `outboxMigration` had it: the relay's
 * claim reads the column.
 */
export const outboxLeaseMigration: Migration = {
  async up(db) {
    await sql`alter table outbox add column if not exists leased_until datetime(3) null`.execute(db);
  },
  async down(db) {
    await sql`alter table outbox drop column if exists leased_until`.execute(db);
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

/**
 * `enqueueOutbox` as a statement to run right after an UPDATE in the same transaction (`transactionInOneTrip`):
 * with `ifRowChanged` the event is inserted only when that UPDATE changed a row (`row_count()`), so that whether a
 * state change happened and whether its event exists is decided by the server, with no round trip in between.
 * With `leaseMs` the row is leased to its writer, who hands it to `OutboxRelay.handOff` once committed.
 */
export function outboxInsertAfter(
  db: Kysely<OutboxTable>,
  envelope: OutboxEnvelope,
  ifRowChanged: boolean,
  leaseMs?: number,
): CompiledQuery {
  const leased = leaseMs !== undefined;
  const values = {
    id: envelope.id,
    type: envelope.type,
    envelope: JSON.stringify(envelope),
    leaseUs: (leaseMs ?? 0) * 1000,
  };
  return statements.compile(`outbox-insert-after:${ifRowChanged}:${leased}`, values, (v) => ({
    compile: () =>
      sql`insert into ${sql.table('outbox')} (event_id, exchange, routing_key, envelope, leased_until)
        select ${v.id}, 'events', ${v.type}, ${v.envelope},
          ${leased ? sql`current_timestamp(3) + interval ${v.leaseUs} microsecond` : sql`null`} from dual
        where ${ifRowChanged ? sql`row_count() > 0` : sql`true`}`.compile(db),
  }));
}

/** An event its writer committed with a lease (`outboxInsertAfter` with `leaseMs`), to be published by it. */
export interface HandedOffEvent {
  envelope: OutboxEnvelope;
  exchange: OutboxExchange;
  routingKey: string;
}

/** What a writer of leased rows uses of the relay. */
export interface OutboxHandOff {
  /** Ask the relay for a pass soon (rows written without a lease). */
  kick(): void;
  /**
   * How long to lease a row being written, or undefined when the relay is to publish everything itself for now
   * (it is catching up after a failed publish, and rows handed off would overtake the ones it holds).
   */
  leaseMs(): number | undefined;
  /** Committed leased rows: published now, then marked. */
  handOff(events: readonly HandedOffEvent[]): void;
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
  /** How long a row written for `handOff` is its writer's alone: past it, its writer is taken for dead. */
  leaseMs?: number;
  /** How long confirmed hand-offs wait to be marked together (well inside `leaseMs`). */
  markWindowMs?: number;
  /**
   * Whether the broker is connected now. While it is not, writers are told not to lease (`leaseMs()`): their rows
   * wait for the relay, rather than each send trying a publish that fails and giving its row back.
   */
  connected?: () => boolean;
}

export interface OutboxRelay extends OutboxHandOff {
  /** Publish now (call after a commit for low latency); resolves with the number published. */
  flushNow(): Promise<number>;
  /**
   * The broker is back (its connection was re-established): end the back-off and publish now. Without it, events
   * written during a long outage would wait out a back-off grown to up to 30 s after the broker returned.
   */
  resume(): void;
  stop(): Promise<void>;
}

type PendingRow = Pick<
  Selectable<OutboxTable['outbox']>,
  'id' | 'exchange' | 'routing_key' | 'envelope' | 'attempts'
>;

/** How long a relay kicked during its pass waits before the next one, for the commits then in flight to land. */
const COALESCE_MS = 2;

/** How many hand-offs one UPDATE marks. */
const MARK_BATCH = 200;

const backoffMs = (failures: number) => Math.min(30_000, 100 * 2 ** Math.min(failures, 9));

/**
 * Publishes outbox rows in order, a batch at a time: one SELECT claims the batch with FOR UPDATE SKIP LOCKED (so
 * several replicas relay the same table without publishing a row twice), its first row is published alone (a probe
 * of the broker), then the rest together with their confirms in flight at once, and one UPDATE marks the confirmed
 * ones before the commit. A crash before the commit
 * leaves the batch pending, to be published again (a duplicate with the same event id, never a loss). A failed
 * publish leaves that row and the ones after it for a later attempt and pauses the relay with exponential back-off,
 * so nothing is lost or reordered while RabbitMQ is down. Published rows stay `retainMs` (the bot webhook finds
 * an update it has already recorded by its event id there), then one DELETE a minute removes them.
 *
 * A writer on the hot path (a message settled) spares the relay's claim: it writes its row leased to itself
 * (`leaseMs()`), and once committed hands it over (`handOff`), which publishes it from memory and marks it with
 * the others of a quarter of a second in one UPDATE: no round trip of its own, where the claim took two. The relay
 * leaves a leased row alone until its lease ends, so a writer that died before publishing or marking is covered
 * (a duplicate with the same event id at worst). A failed hand-off releases its row to the relay, and writers
 * stop leasing until the relay has caught up, so handed-off events do not overtake the ones it holds.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const intervalMs = options.intervalMs ?? 500;
  const batch = options.batch ?? 100;
  const retainMs = options.retainMs ?? 24 * 3600_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const markWindowMs = options.markWindowMs ?? 250;
  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;
  let kicked = true;
  let lastPrune = 0;
  let lastPassAt = 0;
  let failures = 0;
  let pausedUntil = 0;
  /**
   * A publish failed: until a pass of the relay that began after the last failure finds nothing more to publish,
   * writers do not lease (their events would overtake the ones the relay holds). `failureEpoch` counts failures
   * and rows given back, so a pass under way when one happened does not end the catching up.
   */
  let catchingUp = false;
  let failureEpoch = 0;
  /** Failed hand-offs whose rows are being given back to the relay. */
  let releasing = 0;
  /** A failed hand-off's row could not be given back: it is the relay's when its lease ends, not before. */
  let heldUntil = 0;
  const handOffs = new Set<Promise<void>>();

  // The relay's fixed statements, compiled once.
  const unleased = sql<boolean>`(leased_until is null or leased_until <= current_timestamp(3))`;
  const pendingProbe = options.db
    .selectFrom('outbox')
    .select('id')
    .where('published_at', 'is', null)
    .where(unleased)
    .limit(1)
    .compile();
  const claim = options.db
    .selectFrom('outbox')
    .select(['id', 'exchange', 'routing_key', 'envelope', 'attempts'])
    .where('published_at', 'is', null)
    .where(unleased)
    .orderBy('id')
    .limit(batch)
    .forUpdate()
    .skipLocked()
    .compile();

  /** Whether any row waits: one plain SELECT, rather than a locking transaction, on an idle tick. */
  const anyPending = async (): Promise<boolean> =>
    (await options.db.executeQuery(pendingProbe)).rows.length > 0;

  /**
   * One batch in two round trips: the locking SELECT opens the transaction, the marks close it. The rows stay
   * locked while their confirms are awaited, so no other relay publishes them meanwhile.
   */
  const flushOnce = async (): Promise<number> => {
    const epoch = failureEpoch;
    // At READ COMMITTED the claim keeps no lock on the leased rows it passes over (their writers mark them
    // meanwhile), nor on gaps (writers insert meanwhile); SKIP LOCKED still keeps two relays apart.
    return transactionInTwoTrips(
      options.db,
      [claim],
      async ([claimed]) => {
        // The columns the claim selects, read through the same driver as any Kysely query.
        const rows = (claimed?.rows ?? []) as unknown as PendingRow[];
        const publish = async (row: PendingRow) =>
          options.publish(row.exchange, row.routing_key, JSON.parse(row.envelope));
        // The first row alone, as a probe: while the broker is down a pass fails once, not once per row, and no
        // row behind a failure goes out (to go out again later). Then the rest all in flight together, in row order
        // on the channel, each resolving with its broker confirm.
        const first = await Promise.allSettled(rows.slice(0, 1).map(publish));
        const results =
          first[0]?.status === 'fulfilled'
            ? [...first, ...(await Promise.allSettled(rows.slice(1).map(publish)))]
            : first;
        const failed = results.findIndex((result) => result.status === 'rejected');
        // Only the rows before the first failure count as published: those after it go again, in order, later.
        const published = (failed === -1 ? rows : rows.slice(0, failed)).map((row) => row.id);
        const marks: CompiledQuery[] = [];
        if (failed !== -1) {
          const row = rows[failed]!;
          options.logger?.warn('outbox publish failed; will retry', {
            outboxId: row.id,
            attempts: row.attempts + 1,
            error: (results[failed] as PromiseRejectedResult).reason,
          });
          // The whole relay backs off, not just this row: later events must not overtake it.
          marks.push(
            options.db
              .updateTable('outbox')
              .set({ attempts: row.attempts + 1 })
              .where('id', '=', row.id)
              .compile(),
          );
          backOff();
        } else {
          failures = 0;
          if (rows.length < batch && epoch === failureEpoch && releasing === 0) catchingUp = false;
        }
        // One statement marks the whole batch: the rows stay locked until the commit, so none is published twice.
        if (published.length > 0) {
          marks.push(
            statements.compile('outbox-published', published, (ids) =>
              options.db
                .updateTable('outbox')
                .set({ published_at: sql<Date>`current_timestamp(3)` })
                .where('id', 'in', ids),
            ),
          );
        }
        return { statements: marks, value: published.length };
      },
      { readCommitted: true },
    );
  };

  const failed = () => {
    catchingUp = true;
    failureEpoch += 1;
  };
  const backOff = () => {
    failed();
    failures += 1;
    pausedUntil = Date.now() + backoffMs(failures);
  };

  /**
   * The handed-off rows confirmed by the broker, marked together once `markWindowMs` has passed since the first:
   * one UPDATE for the sends of that window rather than one per send, far inside their lease, so that a mark that
   * waits never lets the relay publish a row again. A crash in the window costs duplicates, never a loss.
   */
  const waitingMarks: Array<{ eventId: string; resolve(): void; reject(error: unknown): void }> = [];
  let markTimer: NodeJS.Timeout | undefined;
  const writeMarks = async (): Promise<void> => {
    markTimer = undefined;
    while (waitingMarks.length > 0) {
      const batch = waitingMarks.splice(0, MARK_BATCH);
      try {
        await options.db.executeQuery(
          statements.compile(
            'outbox-handed-off',
            batch.map((mark) => mark.eventId),
            (ids) =>
              options.db
                .updateTable('outbox')
                .set({ published_at: sql<Date>`current_timestamp(3)`, leased_until: null })
                .where('event_id', 'in', ids),
          ),
        );
        for (const mark of batch) mark.resolve();
      } catch (error) {
        for (const mark of batch) mark.reject(error);
      }
    }
  };
  const mark = (eventId: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waitingMarks.push({ eventId, resolve, reject });
      markTimer ??= setTimeout(() => void writeMarks(), stopped ? 0 : markWindowMs);
    });

  /** Handed-off rows that could not be published: the relay's now (and in order with what it holds). */
  const releases = new GroupCommit<string>(async (eventIds) => {
    await options.db.executeQuery(
      statements.compile('outbox-released', eventIds, (ids) =>
        options.db
          .updateTable('outbox')
          .set({ leased_until: null })
          .where('event_id', 'in', ids)
          .where('published_at', 'is', null),
      ),
    );
    return eventIds.map(() => undefined);
  });

  /** A handed-off row goes back to the relay, to be published by it in order with what it holds. */
  const giveBack = async (eventId: string): Promise<void> => {
    releasing += 1;
    try {
      await releases.add(eventId);
      // A pass that claimed before this row was back did not see it: it must not end the catching up.
      failureEpoch += 1;
      void flushKicked();
    } catch {
      // Not given back (the database is away too): the relay takes it once its lease ends.
      heldUntil = Math.max(heldUntil, Date.now() + leaseMs);
    } finally {
      releasing -= 1;
    }
  };

  const handOffOne = async (event: HandedOffEvent): Promise<void> => {
    const eventId = event.envelope.id;
    // Leased before a failure that the relay is now catching up on (or the broker went meanwhile): published now,
    // it would overtake the events the relay holds.
    if (catchingUp || options.connected?.() === false) return giveBack(eventId);
    try {
      await options.publish(event.exchange, event.routingKey, event.envelope);
    } catch (error) {
      options.logger?.warn('outbox hand-off publish failed; the relay will publish it', { eventId, error });
      failed();
      // One step of back-off for what fails together (a burst of sends when the broker went), not one per send:
      // the relay's own passes grow it from there.
      if (Date.now() >= pausedUntil) {
        failures = Math.max(failures, 1);
        pausedUntil = Date.now() + backoffMs(failures);
      }
      return giveBack(eventId);
    }
    try {
      await mark(eventId);
    } catch (error) {
      // Published but not marked: the relay publishes it again once its lease ends (the same event id).
      options.logger?.warn('outbox hand-off not marked; it may be published twice', { eventId, error });
    }
  };

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
    const wasKicked = kicked;
    kicked = false;
    running = (async () => {
      let total = 0;
      try {
        // A timer tick with nothing to do costs one SELECT; a kick (a commit just wrote a row) goes straight on.
        if (wasKicked || (await anyPending())) {
          for (;;) {
            again = false;
            const n = await flushOnce();
            total += n;
            if (n === batch && failures === 0) again = true;
            if (!again || stopped) break;
            // Kicked during the pass: more commits are landing. A breath lets those in flight join one batch
            // rather than a pass each, which under load costs more statements than the wait saves.
            if (n < batch) await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
          }
          lastPassAt = Date.now();
        }
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

  /** A flush that must not skip its batch on the idle check: after a commit, or when a caller waits for it. */
  const flushKicked = (): Promise<number> => {
    kicked = true;
    return flushNow();
  };

  // The timer is the safety net for rows nobody kicked for: while kicked passes run, a tick has nothing to add.
  const timer = setInterval(() => {
    if (Date.now() - lastPassAt >= intervalMs) void flushNow();
  }, intervalMs);
  timer.unref();
  return {
    flushNow: flushKicked,
    kick: () => void flushKicked(),
    leaseMs: () =>
      catchingUp || stopped || Date.now() < heldUntil || options.connected?.() === false
        ? undefined
        : leaseMs,
    handOff(events) {
      // Stopped, the database may be gone: the rows wait out their lease for the next relay.
      if (stopped) return;
      for (const event of events) {
        const done = handOffOne(event);
        handOffs.add(done);
        void done.finally(() => handOffs.delete(done));
      }
    },
    resume: () => {
      failures = 0;
      pausedUntil = 0;
      void flushKicked();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      // Marks waiting out their window are written now; hand-offs still publishing mark at once (see `mark`).
      if (markTimer) {
        clearTimeout(markTimer);
        void writeMarks();
      }
      await Promise.all([running, ...handOffs]);
    },
  };
}
