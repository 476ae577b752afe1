import { toDomainError } from './errors';

/** GramJS raises Telegram's RPC errors with `errorMessage`, and some of its own as plain errors. */
const rpc = (code: number, errorMessage: string) =>
  Object.assign(new Error(errorMessage), { code, errorMessage });

describe('toDomainError for recipients', () => {
  it.each([
    ['USERNAME_NOT_OCCUPIED', 400],
    ['USERNAME_INVALID', 400],
    ['PEER_ID_INVALID', 400],
    ['PHONE_NOT_OCCUPIED', 400],
    ['INPUT_USER_DEACTIVATED', 400],
  ])('maps %s to a 422 TELEGRAM_PEER_NOT_FOUND', (name, code) => {
    const error = toDomainError(rpc(code, name));
    expect({ code: error.code, status: error.status }).toEqual({
      code: 'TELEGRAM_PEER_NOT_FOUND',
      status: 422,
    });
  });

  it("maps GramJS's own resolve errors, and privacy refusals, to 422s with plain sentences", () => {
    expect(toDomainError(new Error('No user has "nobody" as username'))).toMatchObject({
      code: 'TELEGRAM_PEER_NOT_FOUND',
      message: 'No one on Telegram has that username.',
    });
    expect(toDomainError(new Error('Could not find the input entity for {"userId":"42"}')).code).toBe(
      'TELEGRAM_PEER_NOT_FOUND',
    );
    expect(toDomainError(rpc(403, 'PRIVACY_PREMIUM_REQUIRED'))).toMatchObject({
      code: 'TELEGRAM_WRITE_FORBIDDEN',
      status: 422,
    });
    expect(toDomainError(rpc(403, 'USER_PRIVACY_RESTRICTED')).status).toBe(422);
  });
});
