import type { Envelope } from '@integrations/contracts';
import type { Kysely } from '@integrations/persistence';
import type { AuditDatabase } from '../db/schema';
import { DeliveriesRepository } from '../webhooks/deliveries.repository';
import { deliveriesFor } from '../webhooks/fan-out';
import { LogsRepository } from './logs.repository';

/**
 * What a delivery batch of events becomes: one log entry each and one webhook delivery per matching subscription,
 * written together (one transaction when there are deliveries, the log's single INSERT when there are none).
 * Each is idempotent (`event_id` unique in the log, (webhook, event) unique in the deliveries), so a batch
 * delivered again changes nothing, and the events are acked only after the commit: at least once, never twice.
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
    const users = [...new Set(envelopes.map((e) => e.userid))];
    const deliveries = deliveriesFor(envelopes, await this.subscriptions.activeSubscriptions(users));
    if (deliveries.length === 0) {
      await this.logs.record(envelopes);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      await new LogsRepository(trx).record(envelopes);
      await new DeliveriesRepository(trx).insert(deliveries);
    });
    this.onDue();
  }
}
