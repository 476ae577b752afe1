import { BreakerOpenError as Refused, CallTimeoutError } from '@integrations/connector-kit';
import { DomainError } from '@integrations/contracts';

/** Telegram's MTProto error names, grouped by what they mean for our caller (API.md's codes). */
const BY_NAME: Record<string, [DomainError['code'], string]> = {
  PHONE_NUMBER_INVALID: ['TELEGRAM_PHONE_INVALID', 'Telegram does not accept this phone number.'],
  PHONE_NUMBER_BANNED: ['TELEGRAM_PHONE_INVALID', 'This phone number is banned at Telegram.'],
  PHONE_NUMBER_UNOCCUPIED: ['TELEGRAM_PHONE_INVALID', 'No Telegram account uses this phone number.'],
  PHONE_CODE_INVALID: ['TELEGRAM_CODE_INVALID', 'The code is wrong.'],
  PHONE_CODE_EMPTY: ['TELEGRAM_CODE_INVALID', 'The code is empty.'],
  PHONE_CODE_HASH_INVALID: ['TELEGRAM_CODE_INVALID', 'The code does not belong to this login.'],
  PHONE_CODE_EXPIRED: ['TELEGRAM_CODE_EXPIRED', 'The code has expired; start again to get a new one.'],
  PASSWORD_HASH_INVALID: ['TELEGRAM_PASSWORD_INVALID', 'The password is wrong.'],
  SRP_ID_INVALID: ['TELEGRAM_PASSWORD_INVALID', 'The password check expired; try again.'],
  AUTH_KEY_UNREGISTERED: [
    'TELEGRAM_SESSION_REVOKED',
    'The Telegram session was ended; connect the account again.',
  ],
  SESSION_REVOKED: ['TELEGRAM_SESSION_REVOKED', 'The Telegram session was ended; connect the account again.'],
  USER_DEACTIVATED: ['TELEGRAM_SESSION_REVOKED', 'The Telegram account was deactivated.'],
  AUTH_KEY_DUPLICATED: [
    'TELEGRAM_SESSION_REVOKED',
    'The session was used in two places at once and was ended.',
  ],
  CHAT_WRITE_FORBIDDEN: ['TELEGRAM_WRITE_FORBIDDEN', 'This account may not write in that chat.'],
  CHANNEL_PRIVATE: ['TELEGRAM_WRITE_FORBIDDEN', 'This account is not a member of that channel.'],
  USER_IS_BLOCKED: ['TELEGRAM_WRITE_FORBIDDEN', 'That user blocked this account.'],
  USER_PRIVACY_RESTRICTED: ['TELEGRAM_WRITE_FORBIDDEN', "That user's privacy settings refuse the message."],
  // The recipient is the caller's to fix (a typo, someone this account never talked to): a 422, never a 500.
  INPUT_USER_DEACTIVATED: ['TELEGRAM_PEER_NOT_FOUND', 'That Telegram user was deactivated.'],
  USERNAME_NOT_OCCUPIED: ['TELEGRAM_PEER_NOT_FOUND', 'No one on Telegram has that username.'],
  USERNAME_INVALID: ['TELEGRAM_PEER_NOT_FOUND', 'That is not a valid Telegram username.'],
  PEER_ID_INVALID: ['TELEGRAM_PEER_NOT_FOUND', 'This account cannot reach that chat id.'],
  PHONE_NOT_OCCUPIED: ['TELEGRAM_PEER_NOT_FOUND', 'No Telegram user has that phone number.'],
  PRIVACY_PREMIUM_REQUIRED: [
    'TELEGRAM_WRITE_FORBIDDEN',
    "That user's privacy settings refuse messages from this account.",
  ],
  CHAT_ID_INVALID: ['TELEGRAM_CHAT_NOT_FOUND', 'Telegram does not know that chat.'],
  CHANNEL_INVALID: ['TELEGRAM_CHAT_NOT_FOUND', 'Telegram does not know that channel.'],
  MESSAGE_TOO_LONG: ['VALIDATION_FAILED', 'The message is longer than Telegram allows.'],
  MESSAGE_EMPTY: ['VALIDATION_FAILED', 'The message is empty.'],
};

/** The session is gone at Telegram: the account must be connected again. */
export const isSessionGone = (error: DomainError): boolean => error.code === 'TELEGRAM_SESSION_REVOKED';

/** A call the open breaker refused: it never reached a client, so that client has nothing to answer for. */
export class BreakerOpenError extends DomainError {
  constructor(retryAfterMs: number, everyone = false) {
    const who = everyone ? 'for this connector' : 'for this account';
    super('TELEGRAM_UNAVAILABLE', `Telegram is failing ${who}; paused for a moment.`, {
      retryAfter: Math.ceil(retryAfterMs / 1000),
    });
  }
}

/** A call given up on after the call timeout: Telegram never answered, whether or not it got the request. */
export class CallTimedOutError extends DomainError {
  constructor() {
    super('TELEGRAM_UNAVAILABLE', 'Telegram did not answer in time.', { retryAfter: 5 });
  }
}

/** What a GramJS failure means for our caller. Telegram's own words stay out of logs and replies. */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof Refused) {
    return new BreakerOpenError(error.retryAfterMs, !error.breaker.startsWith('account:'));
  }
  // The call may have reached Telegram: a send tells which (`SendAttempt`); a resend is safe (its random_id repeats).
  if (error instanceof CallTimeoutError) return new CallTimedOutError();
  const e = error as { code?: unknown; errorMessage?: unknown; seconds?: unknown; message?: unknown };
  if (e?.code === 420 || e?.errorMessage === 'FLOOD') {
    const seconds = typeof e.seconds === 'number' ? e.seconds : 1;
    return new DomainError('TELEGRAM_FLOOD_WAIT', 'Telegram asks this account to wait before trying again.', {
      retryAfter: Math.max(1, Math.ceil(seconds)),
    });
  }
  if (typeof e?.errorMessage === 'string') {
    const known = BY_NAME[e.errorMessage];
    if (known !== undefined) return new DomainError(known[0], known[1]);
    if (e.code === 401)
      return new DomainError('TELEGRAM_SESSION_REVOKED', 'Telegram no longer accepts this session.');
    if (e.code === 403)
      return new DomainError('TELEGRAM_WRITE_FORBIDDEN', 'Telegram refused this for the account.');
    if (e.code === 400)
      return new DomainError('VALIDATION_FAILED', `Telegram refused the request (${e.errorMessage}).`);
    return new DomainError('TELEGRAM_UNAVAILABLE', 'Telegram failed to answer.', { retryAfter: 5 });
  }
  // GramJS turns some of Telegram's answers into plain errors of its own while resolving a name or an id:
  // USERNAME_NOT_OCCUPIED becomes 'No user has "x" as username'; an id it has no access hash for, 'Could not
  // find the input entity'.
  if (typeof e?.message === 'string' && /^No user has ".*" as username/.test(e.message)) {
    return new DomainError('TELEGRAM_PEER_NOT_FOUND', 'No one on Telegram has that username.');
  }
  if (
    typeof e?.message === 'string' &&
    /Cannot find any entity|Could not find the input entity/i.test(e.message)
  ) {
    return new DomainError(
      'TELEGRAM_PEER_NOT_FOUND',
      'This account does not know that recipient (write to it by @username first).',
    );
  }
  if (
    typeof e?.message === 'string' &&
    /timeout|Not connected|disconnect|fetch failed|ECONNREFUSED/i.test(e.message)
  ) {
    return new DomainError('TELEGRAM_UNAVAILABLE', 'Telegram could not be reached.', { retryAfter: 5 });
  }
  return new DomainError('INTERNAL', 'The Telegram call failed unexpectedly.');
}
