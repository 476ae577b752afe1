import { perDay, perIntegration, sessionHealth, totals } from './aggregate';

const stats = {
  from: '2026-11-22',
  to: '2026-11-25',
  days: [
    { date: '2026-11-23', type: 'telegram_bot' as const, sent: 3, failed: 1, received: 0 },
    { date: '2026-11-23', type: 'telegram_channel' as const, sent: 2, failed: 0, received: 0 },
    { date: '2026-11-25', type: 'telegram_account' as const, sent: 1, failed: 0, received: 4 },
  ],
};

describe('statistics aggregation', () => {
  it('fills every day of the range, summing integrations', () => {
    expect(perDay(stats)).toEqual([
      { date: '2026-11-22', sent: 0, failed: 0, received: 0 },
      { date: '2026-11-23', sent: 5, failed: 1, received: 0 },
      { date: '2026-11-24', sent: 0, failed: 0, received: 0 },
      { date: '2026-11-25', sent: 1, failed: 0, received: 4 },
    ]);
  });

  it('totals per integration and the failure rate', () => {
    expect(perIntegration(stats, { telegram_bot: 'Bots' })).toEqual([
      { integration: 'Bots', sent: 3, failed: 1 },
      { integration: 'telegram_channel', sent: 2, failed: 0 },
      { integration: 'telegram_account', sent: 1, failed: 0 },
    ]);
    expect(totals(stats)).toEqual({ sent: 6, failed: 1, failureRate: 1 / 7 });
    expect(totals({ ...stats, days: [] }).failureRate).toBe(0);
  });

  it('counts accounts and bots by status', () => {
    const health = sessionHealth(
      [{ status: 'active' }, { status: 'revoked' }] as never,
      [{ status: 'active' }] as never,
    );
    expect(health).toEqual([
      { name: 'active', value: 2, color: 'green.6' },
      { name: 'revoked', value: 1, color: 'orange.6' },
    ]);
  });
});
