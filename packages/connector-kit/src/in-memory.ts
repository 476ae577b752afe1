import type { ListFilter, OutboxEnvelope } from '@integrations/persistence';
import type { LifecycleVerb } from './lifecycle';
import { lifecycleChanges, type LifecycleRow, type LifecycleWrite } from './lifecycle-store';
import type {
  CheckedInsert,
  LedgerRow,
  LedgerValues,
  MessageStatus,
  MessageStore,
  OutboxEventState,
  SenderTable,
} from './messages.repository';
import type { ListCaller, OwnedRows, Page } from './owned-rows.repository';

/** The events a fake repository enqueued, in order, as a connector's outbox would hold them. */
export class RecordingOutbox {
  readonly events: OutboxEnvelope[] = [];

  add(events: OutboxEnvelope[]): void {
    this.events.push(...events);
  }

  /** The event types enqueued so far. */
  types(): string[] {
    return this.events.map((event) => event.type);
  }
}

/**
 * `OwnedRows` in memory, for the connectors' service tests (no MariaDB): rows in a map, events in a
 * `RecordingOutbox`, children as a map from a parent's id to its children's ids.
 */
export class InMemoryOwnedRows<Row extends LifecycleRow & { created_at: Date }> implements OwnedRows<Row> {
  readonly rows = new Map<string, Row>();
  /** A parent's children (removed with it, their ids handed to the event maker). */
  readonly children = new Map<string, string[]>();

  constructor(
    readonly table: string,
    readonly outbox: RecordingOutbox = new RecordingOutbox(),
    /** Columns that are unique per owner (`insert` answers `false` when taken). */
    private readonly uniqueBy: Array<keyof Row> = [],
  ) {}

  seed(...rows: Row[]): this {
    for (const row of rows) this.rows.set(row.id, { ...row });
    return this;
  }

  async byId(id: string): Promise<Row | undefined> {
    const row = this.rows.get(id);
    return row && { ...row };
  }

  async list<Item>(
    caller: ListCaller,
    page: { limit: number; cursor?: string },
    toItem: (row: Row) => Item,
    filter: ListFilter = {},
  ): Promise<Page<Item>> {
    const items = [...this.rows.values()]
      .filter((row) => caller.admin || row.user_id === caller.userId)
      .filter((row) => filter.status === undefined || (row as { status?: string }).status === filter.status)
      .filter((row) => filter.isActive === undefined || Boolean(row.is_active) === filter.isActive)
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
      .slice(0, page.limit)
      .map(toItem);
    return { items, nextCursor: null };
  }

  async lifecycle(
    input: Omit<LifecycleWrite<Row>, 'db' | 'table'>,
  ): Promise<{ row: Row; verbs: LifecycleVerb[] }> {
    const planned = await lifecycleChanges(input);
    if (!planned) return { row: input.row, verbs: [] };
    const next = { ...input.row, ...planned.changes };
    this.rows.set(next.id, next);
    this.outbox.add(planned.events);
    return { row: next, verbs: planned.verbs };
  }

  async insert(row: Row, events: OutboxEnvelope[]): Promise<boolean> {
    const taken = [...this.rows.values()].some(
      (other) =>
        other.id === row.id ||
        (this.uniqueBy.length > 0 &&
          other.user_id === row.user_id &&
          this.uniqueBy.every((column) => other[column] === row[column])),
    );
    if (taken) return false;
    this.rows.set(row.id, { ...row });
    this.outbox.add(events);
    return true;
  }

  async remove(id: string, eventsOf: (childIds: string[]) => OutboxEnvelope[]): Promise<void> {
    const childIds = this.children.get(id) ?? [];
    this.children.delete(id);
    this.rows.delete(id);
    this.outbox.add(eventsOf(childIds));
  }

  async idsOwnedBy(userId: string): Promise<string[]> {
    return [...this.rows.values()].filter((row) => row.user_id === userId).map((row) => row.id);
  }

  async countOwnedBy(userId: string): Promise<number> {
    return (await this.idsOwnedBy(userId)).length;
  }

  async announce(events: OutboxEnvelope[]): Promise<void> {
    this.outbox.add(events);
  }
}

/**
 * The ledger's store in memory (`MessagesRepository`'s answers, no MariaDB), and the events it enqueued. `senders`:
 * the senders' rows (a fake `OwnedRows`) and where the messages name them, for the accepts that check them.
 */
export class InMemoryMessageStore<
  Row extends LedgerRow,
  Sender extends LifecycleRow = LifecycleRow,
> implements MessageStore<Row, Sender> {
  readonly rows = new Map<string, Row>();
  readonly events: OutboxEnvelope[] = [];
  /** The events written with a lease. None is ever published here: one held is `leased` or `pending`. */
  readonly leased = new Set<string>();

  constructor(
    private readonly senders?: { rows: Pick<OwnedRows<Sender>, 'byId'> } & Omit<SenderTable, 'table'>,
  ) {}

  async insert(values: LedgerValues<Row>): Promise<boolean> {
    if (this.rows.has(values.id)) return false;
    this.rows.set(values.id, { ...values, created_at: new Date(), updated_at: new Date() } as Row);
    return true;
  }
  async insertIfSenderAllows(values: LedgerValues<Row>): Promise<CheckedInsert<Sender>> {
    const sender = await this.senderOf(
      String((values as Record<string, unknown>)[this.sendersOrThrow().column]),
    );
    const refusedWhen = this.sendersOrThrow().refusedWhen;
    const allows =
      sender?.user_id === values.user_id &&
      Boolean(sender.is_active) &&
      !refusedWhen?.values.includes(String((sender as Record<string, unknown>)[refusedWhen.column]));
    // As in SQL: a sender that refuses finds nothing to insert, so a taken id is only noticed for one that allows.
    if (!allows) return { outcome: 'refused', sender };
    if (!(await this.insert(values))) return { outcome: 'duplicate' };
    return { outcome: 'inserted', sender };
  }
  async claimReadingSender(
    id: string,
    senderId: string,
    patch: Partial<Row>,
  ): Promise<{ claimed: boolean; sender: Sender | undefined }> {
    const claimed = await this.claim(id, patch);
    return { claimed, sender: await this.senderOf(senderId) };
  }
  private senderOf(id: string): Promise<Sender | undefined> {
    return this.sendersOrThrow().rows.byId(id);
  }
  private sendersOrThrow(): NonNullable<InMemoryMessageStore<Row, Sender>['senders']> {
    if (!this.senders) throw new Error('this in-memory store was made without its senders');
    return this.senders;
  }
  async find(id: string): Promise<Row | undefined> {
    const row = this.rows.get(id);
    return row && { ...row };
  }
  async claim(id: string, patch: Partial<Row>): Promise<boolean> {
    return this.move(id, 'queued', { ...patch, status: 'sending' });
  }
  async requeue(id: string): Promise<void> {
    this.move(id, 'sending', { status: 'queued' } as Partial<Row>);
  }
  async requeueFailed(id: string, request: string): Promise<boolean> {
    const patch = { status: 'queued', request, error_code: null, error_detail: null } as Partial<Row>;
    return this.move(id, 'failed', patch);
  }
  async listIn(statuses: MessageStatus[]): Promise<Array<Pick<Row, 'id' | 'user_id'>>> {
    return [...this.rows.values()]
      .filter((row) => statuses.includes(row.status))
      .map(({ id, user_id }) => ({ id, user_id }));
  }
  async sending(): Promise<Row[]> {
    return [...this.rows.values()].filter((row) => row.status === 'sending');
  }
  async settle(
    id: string,
    patch: Partial<Row>,
    event: OutboxEnvelope,
    whileSending: boolean,
    leaseMs?: number,
  ): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || (whileSending && row.status !== 'sending')) return false;
    this.rows.set(id, { ...row, ...patch, updated_at: new Date() });
    this.events.push(event);
    if (leaseMs !== undefined) this.leased.add(event.id);
    return true;
  }
  async eventState(eventId: string): Promise<OutboxEventState> {
    if (!this.events.some((event) => event.id === eventId)) return 'missing';
    return this.leased.has(eventId) ? 'leased' : 'pending';
  }
  private move(id: string, from: MessageStatus, patch: Partial<Row>): boolean {
    const row = this.rows.get(id);
    if (row?.status !== from) return false;
    this.rows.set(id, { ...row, ...patch });
    return true;
  }
  async deleteOfUser(userId: string, eventOf: (deleted: number) => OutboxEnvelope): Promise<number> {
    const mine = [...this.rows.values()].filter((row) => row.user_id === userId);
    for (const row of mine) this.rows.delete(row.id);
    this.events.push(eventOf(mine.length));
    return mine.length;
  }
}
