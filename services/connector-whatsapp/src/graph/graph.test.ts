import { BreakerOpenError } from '@integrations/connector-kit';
import { statusError, toDomainError } from './errors';
import { GraphApiError, GraphUnreachableError, isGraphFailure } from './graph-client';
import { NumberThrottle } from './throttle';

describe('Graph errors', () => {
  it("maps Meta's codes to the contract's, keeping Meta's code", () => {
    const cases: [GraphApiError, string][] = [
      [new GraphApiError(401, 190, 'Invalid OAuth access token'), 'WHATSAPP_TOKEN_INVALID'],
      [new GraphApiError(400, 100, 'Unsupported get request', 33), 'WHATSAPP_TOKEN_INVALID'],
      [new GraphApiError(400, 100, 'Invalid parameter'), 'VALIDATION_FAILED'],
      [new GraphApiError(429, 130429, 'Rate limit hit'), 'WHATSAPP_RATE_LIMITED'],
      [new GraphApiError(400, 131056, 'Pair rate limit hit'), 'WHATSAPP_PAIR_RATE_LIMITED'],
      [new GraphApiError(404, 132001, 'Template name does not exist'), 'WHATSAPP_TEMPLATE_NOT_FOUND'],
      [new GraphApiError(400, 132000, 'Number of parameters does not match'), 'WHATSAPP_TEMPLATE_PARAMETERS'],
      [new GraphApiError(500, 131000, 'Something went wrong'), 'WHATSAPP_UNAVAILABLE'],
      [new GraphApiError(400, 131009, 'Parameter value is not valid'), 'WHATSAPP_SEND_FAILED'],
    ];
    for (const [error, code] of cases)
      expect(toDomainError(error, 'send')).toMatchObject({ code, metaCode: error.code });
    expect(toDomainError(new GraphApiError(429, 130429, 'x'), 'send').retryAfter).toBe(1);
    expect(toDomainError(new BreakerOpenError('graph-api', 10_000), 'send')).toMatchObject({
      code: 'WHATSAPP_UNAVAILABLE',
      retryAfter: 10,
    });
    expect(toDomainError(new GraphUnreachableError(new Error('ECONNREFUSED')), 'send').code).toBe(
      'WHATSAPP_UNAVAILABLE',
    );
  });

  it('names the failure of a status webhook: window closed, undeliverable, or any other code', () => {
    expect(statusError(131047, 'Re-engagement message')).toMatchObject({
      code: 'WHATSAPP_WINDOW_CLOSED',
      metaCode: 131047,
    });
    expect(statusError(131026, null)).toMatchObject({ code: 'WHATSAPP_UNDELIVERABLE' });
    expect(statusError(131051, 'Unsupported message type')).toMatchObject({
      code: 'WHATSAPP_SEND_FAILED',
      message: 'WhatsApp failed the message (code 131051): Unsupported message type.',
    });
  });

  it("opens breakers only for the platform's failures, not for answers about the request", () => {
    expect(isGraphFailure(new GraphUnreachableError(new Error('x')))).toBe(true);
    expect(isGraphFailure(new GraphApiError(503, 2, 'x'))).toBe(true);
    expect(isGraphFailure(new GraphApiError(400, 131047, 'x'))).toBe(false);
    expect(isGraphFailure(new GraphApiError(401, 190, 'x'))).toBe(false);
  });
});

describe('NumberThrottle', () => {
  it("waits for a free slot of the number's window, in order; numbers are independent", async () => {
    let now = 0;
    const waits: number[] = [];
    const throttle = new NumberThrottle(
      { count: 2, windowMs: 1000 },
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    const order: string[] = [];
    await Promise.all(
      ['a1', 'a2', 'a3', 'b1'].map((name) =>
        throttle.run(name[0]!, async () => void order.push(`${name}@${now}`)),
      ),
    );
    expect(order.sort()).toEqual(['a1@0', 'a2@0', 'a3@1000', 'b1@0']);
    expect(waits).toEqual([1000]);
  });
});
