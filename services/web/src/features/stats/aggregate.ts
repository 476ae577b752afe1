import type { Account, Bot, MessageStats } from '@integrations/contracts';

export interface DayTotals {
  date: string;
  sent: number;
  failed: number;
  received: number;
}

/** Every day of the range, zeros included, so that the chart's axis has no gaps. */
export function perDay(stats: MessageStats): DayTotals[] {
  const byDate = new Map<string, DayTotals>();
  for (
    let day = new Date(`${stats.from}T00:00:00Z`);
    day.toISOString().slice(0, 10) <= stats.to;
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    const date = day.toISOString().slice(0, 10);
    byDate.set(date, { date, sent: 0, failed: 0, received: 0 });
  }
  for (const row of stats.days) {
    const totals = byDate.get(row.date);
    if (!totals) continue;
    totals.sent += row.sent;
    totals.failed += row.failed;
    totals.received += row.received;
  }
  return [...byDate.values()];
}

export function perIntegration(stats: MessageStats, labels: Record<string, string>) {
  const totals = new Map<string, { integration: string; sent: number; failed: number }>();
  for (const row of stats.days) {
    const entry = totals.get(row.type) ?? { integration: labels[row.type] ?? row.type, sent: 0, failed: 0 };
    entry.sent += row.sent;
    entry.failed += row.failed;
    totals.set(row.type, entry);
  }
  return [...totals.values()];
}

export function totals(stats: MessageStats) {
  const sum = stats.days.reduce(
    (acc, row) => ({ sent: acc.sent + row.sent, failed: acc.failed + row.failed }),
    { sent: 0, failed: 0 },
  );
  const attempts = sum.sent + sum.failed;
  return { ...sum, failureRate: attempts === 0 ? 0 : sum.failed / attempts };
}

const HEALTH_COLORS: Record<string, string> = {
  active: 'green.6',
  connecting: 'blue.6',
  error: 'red.6',
  revoked: 'orange.6',
};

/** Accounts and bots by status, as slices. */
export function sessionHealth(accounts: Account[], bots: Bot[]) {
  const counts = new Map<string, number>();
  for (const item of [...accounts, ...bots]) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  return [...counts.entries()].map(([status, value]) => ({
    name: status,
    value,
    color: HEALTH_COLORS[status] ?? 'gray.6',
  }));
}
