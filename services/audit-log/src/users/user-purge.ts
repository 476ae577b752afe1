import type { UserPurge } from '@integrations/contracts';
import type { MessageContext, Messaging } from '@integrations/messaging';
import { enqueueOutbox, type Kysely, type OutboxRelay } from '@integrations/persistence';
import type { AuditDatabase } from '../db/schema';

const SERVICE_NAME = 'audit-log';
/** Entries deleted per statement: a user with years of history must not lock the log for long. */
const BATCH = 1000;

/**
 * Forgets a deleted platform user: their log entries and webhook subscriptions (deliveries and attempts go with
 * them), keeping one `user_purged` entry with the counts and nothing personal. The user is marked first, so an
 * event about them that arrives meanwhile (a send that was in flight) is not recorded again.
 */
export class UserPurgeService {
  constructor(
    private readonly deps: { db: Kysely<AuditDatabase>; messaging: Messaging; relay: OutboxRelay },
  ) {}

  async purge(userId: string, ctx: MessageContext): Promise<UserPurge> {
    const { db, messaging, relay } = this.deps;
    const marked = await db
      .insertInto('purged_users')
      .ignore()
      .values({ user_id: userId })
      .executeTakeFirst();
    const first = Number(marked.numInsertedOrUpdatedRows ?? 0) > 0;
    let logEntries = 0;
    for (;;) {
      const deleted = await db
        .deleteFrom('integration_logs')
        .where('user_id', '=', userId)
        .where('action', '!=', 'user_purged')
        .limit(BATCH)
        .executeTakeFirst();
      logEntries += Number(deleted.numDeletedRows);
      if (Number(deleted.numDeletedRows) < BATCH) break;
    }
    const webhooks = await db.deleteFrom('webhooks').where('user_id', '=', userId).executeTakeFirst();
    const result: UserPurge = {
      userId,
      service: SERVICE_NAME,
      counts: { logEntries, webhooks: Number(webhooks.numDeletedRows) },
    };
    const envelope = messaging.makeEnvelope('platform.user.purged', result, ctx);
    await db.transaction().execute(async (trx) => {
      // The one entry kept: that the user was purged, with the counts (a repeat adds none).
      if (first)
        await trx
          .insertInto('integration_logs')
          .values({
            event_id: envelope.id,
            event_type: envelope.type,
            user_id: userId,
            platform: 'platform',
            resource: 'user',
            action: 'user_purged',
            status: 'success',
            error_message: null,
            target_id: null,
            resource_type: null,
            resource_id: null,
            actor: SERVICE_NAME,
            request_id: ctx.requestId ?? null,
            trace_id: null,
            details: JSON.stringify({ counts: result.counts }),
            created_at: new Date(envelope.time),
          })
          .execute();
      await enqueueOutbox(trx, envelope);
    });
    relay.kick();
    return result;
  }
}
