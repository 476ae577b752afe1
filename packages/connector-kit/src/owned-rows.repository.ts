import {
  answersById,
  enqueueOutbox,
  GroupCommit,
  listPage,
  StatementCache,
  type Insertable,
  type Kysely,
  type ListFilter,
  type OutboxEnvelope,
  type OutboxTable,
  type Transaction,
} from '@integrations/persistence';
import type { LifecycleVerb } from './lifecycle';
import { writeLifecycle, type LifecycleRow, type LifecycleWrite } from './lifecycle-store';

/** A class's public members as a plain type, which an in-memory fake can implement (private members make a class nominal). */
export type PublicPart<T> = { [K in keyof T]: T[K] };

/** Who lists: their own rows, or everyone's for an admin. */
export interface ListCaller {
  userId: string;
  admin: boolean;
}

export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

/** Rows that hang off a row and go with it (a bot's channels, an account's channels). */
export interface Children {
  table: string;
  /** The children's column naming their parent. */
  column: string;
  /** `true`: a foreign key cascade deletes them with the parent; `false`: they are deleted first. */
  cascade: boolean;
}

/** What the connectors' services need of a table of pausable rows owned by platform users (bots, accounts, channels). */
export interface OwnedRows<Row extends LifecycleRow> {
  byId(id: string): Promise<Row | undefined>;
  /** One page, newest first, of the caller's rows (everyone's for an admin), narrowed by `filter`. */
  list<Item>(
    caller: ListCaller,
    page: { limit: number; cursor?: string },
    toItem: (row: Row) => Item,
    filter?: ListFilter,
  ): Promise<Page<Item>>;
  /** Pauses, resumes or labels a row with its events (see `writeLifecycle`). */
  lifecycle(input: Omit<LifecycleWrite<Row>, 'db' | 'table'>): Promise<{ row: Row; verbs: LifecycleVerb[] }>;
  /** Inserts a row with its events in one transaction; `false` when a unique key is taken (nothing written). */
  insert(row: Row, events: OutboxEnvelope[]): Promise<boolean>;
  /** Deletes a row and its children, and enqueues the events made from the children's ids, in one transaction. */
  remove(id: string, eventsOf: (childIds: string[]) => OutboxEnvelope[]): Promise<void>;
  /** The ids of a user's rows. */
  idsOwnedBy(userId: string): Promise<string[]>;
  countOwnedBy(userId: string): Promise<number>;
  /** Enqueues events on their own (one transaction). */
  announce(events: OutboxEnvelope[]): Promise<void>;
}

/** Any connector table with the owned, pausable columns, under a fixed name for Kysely's types. */
type OwnedDatabase = OutboxTable & { rows: LifecycleRow; children: { id: string; parent: string } };

/** The SQL of `OwnedRows` over one connector table (the connector names it). */
export class OwnedRowsRepository<Row extends LifecycleRow> implements OwnedRows<Row> {
  protected readonly owned: Kysely<OwnedDatabase>;
  /** Lookups by id of one I/O phase (the sends of several bots or accounts) are read in one SELECT. */
  private readonly lookups = new GroupCommit<string, Row | undefined>((ids) => this.byIds(ids));
  /** Statements compiled once per shape (see `StatementCache`); a subclass adds its own under other names. */
  protected readonly statements = new StatementCache();

  constructor(
    protected readonly db: Kysely<OutboxTable>,
    readonly table: string,
    private readonly children?: Children,
  ) {
    // The connector's schema types its own table; only the shared columns are read or written here.
    this.owned = db as unknown as Kysely<OwnedDatabase>;
  }

  byId(id: string): Promise<Row | undefined> {
    return this.lookups.add(id);
  }

  private async byIds(ids: string[]): Promise<Array<Row | undefined>> {
    const lookup = this.statements.compile('by-ids', [...new Set(ids)], (distinct) =>
      this.owned
        .selectFrom(this.table as 'rows')
        .selectAll()
        .where('id', 'in', distinct),
    );
    const { rows } = await this.owned.executeQuery(lookup);
    return answersById(ids, rows as Row[]);
  }

  list<Item>(
    caller: ListCaller,
    page: { limit: number; cursor?: string },
    toItem: (row: Row) => Item,
    filter?: ListFilter,
  ): Promise<Page<Item>> {
    return listPage(this.owned, this.table as 'rows', caller, page, (row) => toItem(row as Row), filter);
  }

  lifecycle(input: Omit<LifecycleWrite<Row>, 'db' | 'table'>): Promise<{ row: Row; verbs: LifecycleVerb[] }> {
    return writeLifecycle({ ...input, db: this.db, table: this.table });
  }

  async insert(row: Row, events: OutboxEnvelope[]): Promise<boolean> {
    try {
      await this.transaction(async (trx) => {
        await trx
          .insertInto(this.table as 'rows')
          .values(row as Insertable<LifecycleRow>)
          .execute();
        for (const event of events) await enqueueOutbox(trx, event);
      });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'ER_DUP_ENTRY') return false;
      throw error;
    }
  }

  async remove(id: string, eventsOf: (childIds: string[]) => OutboxEnvelope[]): Promise<void> {
    const children = this.children;
    await this.transaction(async (trx) => {
      let childIds: string[] = [];
      if (children) {
        const childTable = children.table as 'children';
        const column = children.column as 'parent';
        const rows = await trx
          .selectFrom(childTable)
          .select('id')
          .where(column, '=', id)
          .forUpdate()
          .execute();
        childIds = rows.map((row) => row.id);
        if (!children.cascade) await trx.deleteFrom(childTable).where(column, '=', id).execute();
      }
      await trx
        .deleteFrom(this.table as 'rows')
        .where('id', '=', id)
        .execute();
      for (const event of eventsOf(childIds)) await enqueueOutbox(trx, event);
    });
  }

  async idsOwnedBy(userId: string): Promise<string[]> {
    const rows = await this.owned
      .selectFrom(this.table as 'rows')
      .select('id')
      .where('user_id', '=', userId)
      .execute();
    return rows.map((row) => row.id);
  }

  async countOwnedBy(userId: string): Promise<number> {
    const row = await this.owned
      .selectFrom(this.table as 'rows')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async announce(events: OutboxEnvelope[]): Promise<void> {
    await this.transaction(async (trx) => {
      for (const event of events) await enqueueOutbox(trx, event);
    });
  }

  /** A transaction of this connector's database, for the statements a subclass adds. */
  protected transaction<T>(work: (trx: Transaction<OwnedDatabase>) => Promise<T>): Promise<T> {
    return this.owned.transaction().execute(work);
  }
}
