import { CallTimeoutError } from '@integrations/connector-kit';
import { toDomainError } from './errors';

describe('toDomainError for the Bot API', () => {
  it('calls a timed-out send "may have arrived" (504), never "not sent" (503)', () => {
    expect(toDomainError(new CallTimeoutError(3000), 'send')).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      retryAfter: 5,
    });
  });

  it('keeps a timed-out connect or attach as Telegram unavailable: nothing was posted', () => {
    for (const context of ['connect', 'attach'] as const) {
      expect(toDomainError(new CallTimeoutError(3000), context).code).toBe('TELEGRAM_UNAVAILABLE');
    }
  });
});
