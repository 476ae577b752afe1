import type { AuditStatsQueryCommand, MessageStats } from '@integrations/contracts';
import { sql, type Kysely } from '@integrations/persistence';
import type { AuditDatabase } from '../db/schema';
import { SECURITY_PLATFORMS, legacyType } from './event-mapping';

const DAY_MS = 86_400_000;
const COUNTED = { message_sent: 'sent', message_failed: 'failed', message_received: 'received' } as const;
type Counted = keyof typeof COUNTED;
type StatsDay = MessageStats['days'][number];
type StatsResource = NonNullable<MessageStats['resources']>[number];
/** The chart shows the busiest; the rest are one filter away in the activity log. */
const MAX_RESOURCES = 50;

const isoDate = (time: number) => new Date(time).toISOString().slice(0, 10);

/** Messages per UTC day, platform and resource, counted from the audit trail so that every connector's events count. */
export class StatsRepository {
  constructor(private readonly db: Kysely<AuditDatabase>) {}

  async messagesPerDay(userId: string, q: AuditStatsQueryCommand, now = Date.now()): Promise<MessageStats> {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const from = today - (q.days - 1) * DAY_MS;
    const day = sql<string>`date_format(created_at, '%Y-%m-%d')`;
    const rows = await this.db
      .selectFrom('integration_logs')
      .select([day.as('day'), 'platform', 'resource', 'action', (eb) => eb.fn.countAll<number>().as('count')])
      .where('user_id', '=', userId)
      .where('created_at', '>=', new Date(from))
      .where('action', 'in', Object.keys(COUNTED) as Counted[])
      .where('platform', 'not in', [...SECURITY_PLATFORMS])
      .groupBy([day, 'platform', 'resource', 'action'])
      .execute();

    const byKey = new Map<string, StatsDay>();
    for (const row of rows) {
      const type = legacyType(row.platform, row.resource);
      const key = `${row.day}|${type}`;
      const entry = byKey.get(key) ?? {
        date: row.day,
        type,
        platform: row.platform,
        resource: row.resource,
        sent: 0,
        failed: 0,
        received: 0,
      };
      entry[COUNTED[row.action as Counted]] += Number(row.count);
      byKey.set(key, entry);
    }
    const days = [...byKey.values()].sort(
      (a, b) => a.date.localeCompare(b.date) || a.type.localeCompare(b.type),
    );
    return {
      from: isoDate(from),
      to: isoDate(today),
      days,
      resources: await this.perResource(userId, new Date(from)),
    };
  }

  /** The busiest bots, accounts and channels of the period, each with its three counts. */
  private async perResource(userId: string, from: Date): Promise<StatsResource[]> {
    const rows = await this.db
      .selectFrom('integration_logs')
      .select(['resource_type', 'resource_id', 'action', (eb) => eb.fn.countAll<number>().as('count')])
      .where('user_id', '=', userId)
      .where('created_at', '>=', from)
      .where('action', 'in', Object.keys(COUNTED) as Counted[])
      .where('resource_id', 'is not', null)
      .groupBy(['resource_type', 'resource_id', 'action'])
      .execute();
    const byId = new Map<string, StatsResource>();
    for (const row of rows) {
      if (!row.resource_type || !row.resource_id) continue;
      const key = `${row.resource_type}:${row.resource_id}`;
      const entry = byId.get(key) ?? {
        resourceType: row.resource_type,
        resourceId: row.resource_id,
        sent: 0,
        failed: 0,
        received: 0,
      };
      entry[COUNTED[row.action as Counted]] += Number(row.count);
      byId.set(key, entry);
    }
    const total = (r: StatsResource) => r.sent + r.failed + r.received;
    return [...byId.values()]
      .sort((a, b) => total(b) - total(a) || a.resourceId.localeCompare(b.resourceId))
      .slice(0, MAX_RESOURCES);
  }
}
