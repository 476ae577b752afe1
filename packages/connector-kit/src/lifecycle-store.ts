import { enqueueOutbox, type Kysely, type OutboxEnvelope, type OutboxTable } from '@integrations/persistence';
import { planLifecycle, type LifecyclePatch, type LifecycleVerb } from './lifecycle';

/** The columns every pausable row has. */
export interface LifecycleRow {
  id: string;
  user_id: string;
  is_active: number;
  label: string | null;
  updated_at: Date;
}

export interface LifecycleWrite<Row extends LifecycleRow> {
  /** The connector's database (it has the `outbox` table and `table`). */
  db: Kysely<OutboxTable>;
  table: string;
  row: Row;
  patch: LifecyclePatch;
  /** `telegram.bot`, `telegram.account`, `telegram.channel`: events are `<prefix>.<verb>`. */
  eventPrefix: string;
  /** The event data besides the new state: the user and the resource's id (`botId`, `channelId`, ...). */
  eventData: Record<string, unknown>;
  makeEnvelope: (type: string, data: Record<string, unknown>) => OutboxEnvelope;
  /**
   * What else changes with the patch (a webhook dropped on pause), run before the write so that Telegram's side
   * is settled first; its columns are written with the state.
   */
  sideEffects?: (verbs: LifecycleVerb[]) => Promise<Partial<Row>>;
}

/**
 * What a patch changes on a row: its columns (with the side effects' own) and one event per real change; nothing
 * (`undefined`) when the patch changes nothing. Side effects run here, before anything is written.
 */
export async function lifecycleChanges<Row extends LifecycleRow>(
  input: Omit<LifecycleWrite<Row>, 'db' | 'table'>,
): Promise<{ changes: Partial<Row>; verbs: LifecycleVerb[]; events: OutboxEnvelope[] } | undefined> {
  const { row, patch } = input;
  const plan = planLifecycle({ isActive: Boolean(row.is_active), label: row.label }, patch);
  if (plan.verbs.length === 0) return undefined;
  const extra = (await input.sideEffects?.(plan.verbs)) ?? {};
  const state = { isActive: plan.next.isActive, label: plan.next.label };
  const changes = { ...extra, is_active: state.isActive ? 1 : 0, label: state.label, updated_at: new Date() };
  const events = plan.verbs.map((verb) =>
    input.makeEnvelope(`${input.eventPrefix}.${verb}`, { ...input.eventData, ...state }),
  );
  return { changes: changes as Partial<Row>, verbs: plan.verbs, events };
}

/**
 * Pauses, resumes or labels one row: the new state and one event per real change (`paused`, `resumed`,
 * `updated`) in one transaction through the outbox, so listeners, the audit trail and the row never disagree.
 * A patch that changes nothing writes and announces nothing.
 */
export async function writeLifecycle<Row extends LifecycleRow>(
  input: LifecycleWrite<Row>,
): Promise<{ row: Row; verbs: LifecycleVerb[] }> {
  const { row } = input;
  const planned = await lifecycleChanges(input);
  if (!planned) return { row, verbs: [] };
  // The table is the connector's choice at run time, which Kysely cannot type; the columns are LifecycleRow's.
  const db = input.db as unknown as Kysely<Record<string, LifecycleRow>>;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable(input.table)
      .set(planned.changes as Partial<LifecycleRow>)
      .where('id', '=', row.id)
      .execute();
    for (const event of planned.events) await enqueueOutbox(trx as unknown as Kysely<OutboxTable>, event);
  });
  return { row: { ...row, ...planned.changes }, verbs: planned.verbs };
}
