import type { Envelope } from '@integrations/contracts';
import { inOneTrip, type Kysely } from '@integrations/persistence';
import type { AuditDatabase } from '../db/schema';
import { DeliveriesRepository } from '../webhooks/deliveries.repository';
import { deliveriesFor } from '../webhooks/fan-out';
import { LogsRepository } from './logs.repository';

/**
 * What a delivery batch of events becomes: one log entry each and one webhook delivery per matching subscription.
 * The log entries and the lookup of the batch's users' webhooks go in one round trip; the deliveries, when any
 * event matches, in a second. Each write is idempotent (`event_id` unique in the log, (webhook, event) unique in
 * the deliveries) and the events are acked only after both: a batch that fails between them is delivered again,
 * finds its log entries there and makes its deliveries then, so every write happens at least once and none twice.
 * The dispatcher sends the deliveries from the table, so a slow receiver never holds up the trail.
 */
export class EventBatchWriter {
  private readonly subscriptions: DeliveriesRepository;
  private readonly logs: LogsRepository;

  constructor(
    private readonly db: Kysely<AuditDatabase>,
    /** Called when new deliveries are due, so they go out without waiting for the next poll. */
    private readonly onDue: () => void,
  ) {
    this.subscriptions = new DeliveriesRepository(db);
    this.logs = new LogsRepository(db);
  }

  async write(envelopes: readonly Envelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const users = [...new Set(envelopes.map((e) => e.userid))];
    const [, found] = await inOneTrip(
      this.db,
      [this.logs.recordStatement(envelopes), this.subscriptions.activeSubscriptionsStatement(users)],
      { transaction: false },
    );
    const deliveries = deliveriesFor(envelopes, DeliveriesRepository.subscriptionsOf(found?.rows ?? []));
    if (deliveries.length === 0) return;
    await this.subscriptions.insert(deliveries);
    this.onDue();
  }
}
