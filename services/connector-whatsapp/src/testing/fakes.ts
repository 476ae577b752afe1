import type { LedgerValues } from '@integrations/connector-kit';
import { createLogger, type Logger } from '@integrations/observability';
import type { OutboxEnvelope } from '@integrations/persistence';
import { Registry } from 'prom-client';
import { PassThrough } from 'node:stream';
import type {
  MessageRow,
  SettlePlan,
  StatusRow,
  WhatsAppMessageStore,
} from '../messages/messages.repository';
import { whatsappMetrics } from '../metrics';
import type { NumberRow } from '../numbers/numbers.repository';

/** The messages store in memory: the same answers as the SQL one, and the events it enqueued. */
export class FakeMessageStore implements WhatsAppMessageStore {
  readonly rows = new Map<string, MessageRow>();
  /** The numbers a claim reads (the SQL store reads them in the claim's trip). */
  readonly numbers = new Map<string, NumberRow>();
  readonly statuses: StatusRow[] = [];
  readonly events: OutboxEnvelope[] = [];

  async insert(values: LedgerValues<MessageRow>): Promise<boolean> {
    if (this.rows.has(values.id)) return false;
    this.rows.set(values.id, { ...values, created_at: new Date(), updated_at: new Date() });
    return true;
  }
  async find(id: string): Promise<MessageRow | undefined> {
    const row = this.rows.get(id);
    return row && { ...row };
  }
  async claim(id: string, numberId: string): Promise<{ claimed: boolean; number: NumberRow | undefined }> {
    const row = this.rows.get(id);
    const number = this.numbers.get(numberId);
    if (row?.status !== 'queued') return { claimed: false, number };
    this.rows.set(id, { ...row, status: 'sending', updated_at: new Date() });
    return { claimed: true, number: number && { ...number } };
  }
  async staleSending(before: Date): Promise<MessageRow[]> {
    return [...this.rows.values()].filter((r) => r.status === 'sending' && r.updated_at < before);
  }
  async queued(): Promise<Array<Pick<MessageRow, 'id'>>> {
    return [...this.rows.values()].filter((r) => r.status === 'queued').map(({ id }) => ({ id }));
  }
  async settleFailed(id: string, patch: Partial<MessageRow>, event: OutboxEnvelope): Promise<boolean> {
    const row = this.rows.get(id);
    if (row?.status !== 'sending') return false;
    this.write(row, { patch, events: [event] });
    return true;
  }
  async settleAccepted(
    id: string,
    wamid: string,
    plan: (row: MessageRow, early: StatusRow[]) => SettlePlan,
  ): Promise<MessageRow> {
    const row = this.rows.get(id)!;
    return this.write(
      row,
      plan(
        row,
        this.statuses.filter((s) => s.wamid === wamid),
      ),
    );
  }
  async recordStatus(
    status: StatusRow,
    plan: (row: MessageRow) => SettlePlan | undefined,
  ): Promise<{ duplicate: boolean; row?: MessageRow }> {
    if (this.statuses.some((s) => s.wamid === status.wamid && s.status === status.status))
      return { duplicate: true };
    this.statuses.push(status);
    const row = [...this.rows.values()].find((r) => r.wamid === status.wamid);
    const decided = row && plan(row);
    if (!row || !decided) return { duplicate: false, ...(row ? { row } : {}) };
    return { duplicate: false, row: this.write(row, decided) };
  }
  async announceOnce(events: OutboxEnvelope[]): Promise<number> {
    const fresh = events.filter((e) => !this.events.some((known) => known.id === e.id));
    this.events.push(...fresh);
    return fresh.length;
  }
  private write(row: MessageRow, plan: SettlePlan): MessageRow {
    const next = { ...row, ...plan.patch, updated_at: new Date() };
    this.rows.set(row.id, next);
    this.events.push(...plan.events);
    return next;
  }
}

/** An envelope maker like Messaging's, without a broker. */
export function fakeEnvelope(type: string, data: unknown, ctx: { userId: string }): OutboxEnvelope {
  return {
    specversion: '1.0',
    id: `${type}-${Math.random().toString(36).slice(2)}`,
    source: 'test',
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    userid: ctx.userId,
  } as OutboxEnvelope;
}

export const testMetrics = () => whatsappMetrics(new Registry());
export const quietLogger = (): Logger => createLogger({ service: 'test', stream: new PassThrough() });
