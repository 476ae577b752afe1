import type { AuditLogsQueryCommand, Envelope, LogEntry, LogEntryPage } from '@integrations/contracts';
import { DomainError } from '@integrations/contracts';
import {
  sql,
  StatementCache,
  type CompiledQuery,
  type Insertable,
  type Kysely,
  type Selectable,
} from '@integrations/persistence';
import type { AuditDatabase } from '../db/schema';
import { fromLegacyType, legacyType, mapEvent } from './event-mapping';

const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1] ?? null;

type LogRow = Omit<Insertable<AuditDatabase['integration_logs']>, 'id'>;

function rowOf(envelope: Envelope): LogRow {
  const fields = mapEvent(envelope);
  return {
    event_id: envelope.id,
    event_type: envelope.type,
    user_id: envelope.userid,
    platform: fields.platform,
    resource: fields.resource,
    action: fields.action,
    status: fields.status,
    error_message: fields.errorMessage,
    target_id: fields.targetId,
    resource_type: fields.subject?.type ?? null,
    resource_id: fields.subject?.id ?? null,
    actor: envelope.source,
    request_id: envelope.requestid ?? null,
    trace_id: traceIdOf(envelope.traceparent),
    details: JSON.stringify(envelope.data ?? {}),
    created_at: new Date(envelope.time),
  };
}

const COLUMNS = [
  'event_id',
  'event_type',
  'user_id',
  'platform',
  'resource',
  'action',
  'status',
  'error_message',
  'target_id',
  'resource_type',
  'resource_id',
  'actor',
  'request_id',
  'trace_id',
  'details',
  'created_at',
] as const satisfies readonly (keyof LogRow)[];

export class LogsRepository {
  /** The per-batch INSERT, compiled once per batch size (see `StatementCache`). */
  private readonly statements = new StatementCache();

  constructor(private readonly db: Kysely<AuditDatabase>) {}

  /**
   * One row per event id: a redelivered event changes nothing (`insert ignore` on the unique `event_id`). An
   * event about a user purged everywhere (one that was in flight when they were deleted) is not recorded: the
   * check is part of the one INSERT, which takes a whole batch of events at once. Resolves the rows inserted.
   */
  async record(envelopes: readonly Envelope[]): Promise<number> {
    if (envelopes.length === 0) return 0;
    const result = await this.db.executeQuery(this.recordStatement(envelopes));
    return Number(result.numAffectedRows ?? 0);
  }

  /** `record` as a statement, to send in one trip with others (`inOneTrip`); `envelopes` must not be empty. */
  recordStatement(envelopes: readonly Envelope[]): CompiledQuery {
    const values = envelopes.map((envelope) => {
      const row = rowOf(envelope);
      return COLUMNS.map((c) => row[c]);
    });
    return this.statements.compile('record', values, (rows) => ({
      compile: () => {
        const selects = rows.map(
          (row) => sql`select ${sql.join(COLUMNS.map((c, i) => sql`${row[i]} as ${sql.ref(c)}`))}`,
        );
        return sql`insert ignore into integration_logs (${sql.join(COLUMNS.map((c) => sql.ref(c)))})
          select e.* from (${sql.join(selects, sql` union all `)}) as e
          where not exists (select 1 from purged_users p where p.user_id = e.user_id)`.compile(this.db);
      },
    }));
  }

  /** Newest first; the caller's own entries unless `admin`. The cursor is the last id seen. */
  async query(userId: string, admin: boolean, q: AuditLogsQueryCommand): Promise<LogEntryPage> {
    let query = this.db.selectFrom('integration_logs').selectAll();
    if (!admin) query = query.where('user_id', '=', userId);
    if (q.type) {
      const { platforms, resource } = fromLegacyType(q.type);
      query = query.where('platform', 'in', platforms);
      if (resource !== undefined) query = query.where('resource', '=', resource);
    }
    if (q.platform) query = query.where('platform', '=', q.platform);
    if (q.resource) query = query.where('resource', '=', q.resource);
    if (q.action) query = query.where('action', '=', q.action);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.resourceId) query = query.where('resource_id', '=', q.resourceId);
    if (q.from) query = query.where('created_at', '>=', new Date(q.from));
    if (q.to) query = query.where('created_at', '<', new Date(q.to));
    if (q.cursor) query = query.where('id', '<', sql<string>`${decodeCursor(q.cursor)}`);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(toEntry),
      nextCursor:
        rows.length > q.limit && page.length > 0 ? encodeCursor(String(page[page.length - 1]?.id)) : null,
    };
  }
}

function toEntry(row: Selectable<AuditDatabase['integration_logs']>): LogEntry {
  return {
    id: String(row.id),
    type: legacyType(row.platform, row.resource),
    platform: row.platform,
    resource: row.resource,
    action: row.action,
    status: row.status,
    errorMessage: row.error_message,
    targetId: row.target_id,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    userId: row.user_id,
    actor: row.actor,
    requestId: row.request_id,
    traceId: row.trace_id,
    eventId: row.event_id,
    eventType: row.event_type,
    details: JSON.parse(row.details) as Record<string, unknown>,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const encodeCursor = (id: string) => Buffer.from(`log:${id}`).toString('base64url');

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^log:(\d{1,20})$/.exec(decoded);
  if (!match?.[1])
    throw new DomainError('VALIDATION_FAILED', 'The cursor is not valid.', {
      errors: [{ path: '/cursor', message: 'is not a cursor of this list' }],
    });
  return match[1];
}
