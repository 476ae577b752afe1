import type { AuditLogsQueryCommand, Envelope, LogEntry, LogEntryPage } from '@integrations/contracts';
import { DomainError } from '@integrations/contracts';
import { sql, type Kysely, type Selectable } from '@integrations/persistence';
import type { AuditDatabase } from '../db/schema';
import { mapEvent } from './event-mapping';

const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1] ?? null;

export class LogsRepository {
  constructor(private readonly db: Kysely<AuditDatabase>) {}

  /**
   * One row per event id: a redelivered event changes nothing. An event about a user purged everywhere (one
   * that was in flight when they were deleted) is not recorded: the check is part of the one INSERT.
   * Resolves true when the row is new.
   */
  async record(envelope: Envelope): Promise<boolean> {
    const fields = mapEvent(envelope);
    const row = {
      event_id: envelope.id,
      event_type: envelope.type,
      user_id: envelope.userid,
      integration_type: fields.integrationType,
      action: fields.action,
      status: fields.status,
      error_message: fields.errorMessage,
      target_id: fields.targetId,
      resource_type: fields.resource?.type ?? null,
      resource_id: fields.resource?.id ?? null,
      actor: envelope.source,
      request_id: envelope.requestid ?? null,
      trace_id: traceIdOf(envelope.traceparent),
      details: JSON.stringify(envelope.data ?? {}),
      created_at: new Date(envelope.time),
    };
    const columns = Object.keys(row);
    const result = await sql`insert ignore into integration_logs (${sql.join(columns.map((c) => sql.ref(c)))})
      select ${sql.join(Object.values(row).map((value) => sql`${value}`))} from dual
      where not exists (select 1 from purged_users where user_id = ${envelope.userid})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  /** Newest first; the caller's own entries unless `admin`. The cursor is the last id seen. */
  async query(userId: string, admin: boolean, q: AuditLogsQueryCommand): Promise<LogEntryPage> {
    let query = this.db.selectFrom('integration_logs').selectAll();
    if (!admin) query = query.where('user_id', '=', userId);
    if (q.type) query = query.where('integration_type', '=', q.type);
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
    type: row.integration_type,
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
