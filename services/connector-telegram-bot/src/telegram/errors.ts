import { BreakerOpenError, CallTimeoutError } from '@integrations/connector-kit';
import { DomainError } from '@integrations/contracts';
import { GrammyError, HttpError } from 'grammy';

/**
 * What a Bot API failure means for our caller, in the contract's codes. Telegram's descriptions are kept in the
 * detail for 400s (they explain a bad message), never the token or the payload.
 */
export function toDomainError(error: unknown, context: 'connect' | 'send' | 'attach'): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof BreakerOpenError) {
    return new DomainError(
      'TELEGRAM_UNAVAILABLE',
      'Telegram is failing for this bot; sending is paused for a moment.',
      { retryAfter: Math.ceil(error.retryAfterMs / 1000) },
    );
  }
  // A send may have reached Telegram: it is never resent (the Bot API has no random_id), and never called
  // "not sent" (503) either.
  if (error instanceof CallTimeoutError) {
    return context === 'send'
      ? new DomainError(
          'UPSTREAM_TIMEOUT',
          'Telegram did not answer in time; the message may have arrived, so it is not sent again.',
          { retryAfter: 5 },
        )
      : new DomainError('TELEGRAM_UNAVAILABLE', 'Telegram did not answer in time.', { retryAfter: 5 });
  }
  if (error instanceof GrammyError) {
    const description = error.description.replace(
      /^(Bad Request|Forbidden|Unauthorized|Too Many Requests): /,
      '',
    );
    switch (error.error_code) {
      case 401:
      case 404:
        return new DomainError(
          'TELEGRAM_TOKEN_INVALID',
          context === 'connect'
            ? 'Telegram does not accept this bot token.'
            : 'The bot token was revoked at Telegram.',
        );
      case 403:
        return new DomainError(
          context === 'attach' ? 'TELEGRAM_NOT_ADMIN' : 'TELEGRAM_WRITE_FORBIDDEN',
          `Telegram refused: ${description}.`,
        );
      case 429:
        return new DomainError('TELEGRAM_FLOOD_WAIT', 'Telegram asks to wait before sending again.', {
          retryAfter: error.parameters.retry_after ?? 1,
        });
      case 400:
        if (/chat not found|user not found|PEER_ID_INVALID/i.test(description)) {
          return new DomainError(
            'TELEGRAM_CHAT_NOT_FOUND',
            'Telegram does not know this chat (or the bot cannot see it).',
          );
        }
        return new DomainError('VALIDATION_FAILED', `Telegram refused the message: ${description}.`);
      default:
        return new DomainError('TELEGRAM_UNAVAILABLE', `Telegram answered ${error.error_code}.`, {
          retryAfter: 5,
        });
    }
  }
  if (error instanceof HttpError) {
    return new DomainError('TELEGRAM_UNAVAILABLE', 'Telegram could not be reached.', { retryAfter: 5 });
  }
  return new DomainError('INTERNAL', 'The send failed unexpectedly.');
}
