import { StatementCache, type CompiledQuery, type Insertable, type Kysely } from '@integrations/persistence';
import type { AuditDatabase } from '../db/schema';

export type NewDelivery = Insertable<AuditDatabase['webhook_deliveries']>;

/** An active subscription: whose it is and the routing-key patterns it wants. */
export interface Subscription {
  id: string;
  userId: string;
  patterns: string[];
}

type SubscriptionRow = { id: string; user_id: string; events: string };

/** The subscriptions events are matched against, and the deliveries they become. */
export class DeliveriesRepository {
  /** The per-batch lookup, compiled once per number of users (see `StatementCache`). */
  private readonly statements = new StatementCache();

  constructor(private readonly db: Kysely<AuditDatabase>) {}

  /**
   * The active subscriptions of these users as one query (one per delivery batch of events), to send in the
   * batch's one trip; `userIds` must not be empty. Its rows become subscriptions through `subscriptionsOf`.
   */
  activeSubscriptionsStatement(userIds: readonly string[]): CompiledQuery<SubscriptionRow> {
    return this.statements.compile('active-subscriptions', [...userIds], (users) =>
      this.db
        .selectFrom('webhooks')
        .select(['id', 'user_id', 'events'])
        .where('user_id', 'in', users)
        .where('status', '=', 'active'),
    ) as CompiledQuery<SubscriptionRow>;
  }

  /** The rows of `activeSubscriptionsStatement`, as one trip hands them over (untyped), as subscriptions. */
  static subscriptionsOf(rows: ReadonlyArray<Record<string, unknown>>): Subscription[] {
    return rows.map((row) => ({
      id: String(row.id),
      userId: String(row.user_id),
      patterns: JSON.parse(String(row.events)) as string[],
    }));
  }

  /** `insert ignore` on the unique (webhook, event): an event delivered again adds no second delivery. */
  async insert(deliveries: readonly NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.insertInto('webhook_deliveries').ignore().values(deliveries).execute();
  }
}
