import type { Insertable, Kysely } from '@integrations/persistence';
import type { AuditDatabase } from '../db/schema';

export type NewDelivery = Insertable<AuditDatabase['webhook_deliveries']>;

/** An active subscription: whose it is and the routing-key patterns it wants. */
export interface Subscription {
  id: string;
  userId: string;
  patterns: string[];
}

/** The subscriptions events are matched against, and the deliveries they become. */
export class DeliveriesRepository {
  constructor(private readonly db: Kysely<AuditDatabase>) {}

  /** The active subscriptions of these users, in one query (one per delivery batch of events). */
  async activeSubscriptions(userIds: readonly string[]): Promise<Subscription[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('webhooks')
      .select(['id', 'user_id', 'events'])
      .where('user_id', 'in', userIds)
      .where('status', '=', 'active')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      patterns: JSON.parse(row.events) as string[],
    }));
  }

  /** `insert ignore` on the unique (webhook, event): an event delivered again adds no second delivery. */
  async insert(deliveries: readonly NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.insertInto('webhook_deliveries').ignore().values(deliveries).execute();
  }
}
