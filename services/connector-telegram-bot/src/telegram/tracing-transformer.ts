import { SpanKind, SpanStatusCode, inSpan } from '@integrations/observability';
import type { Transformer } from 'grammy';

/**
 * Every Bot API call as a client span `telegram <method>` under the command's trace. Ids only: the payload
 * (message text, the token in the URL) never becomes an attribute. Installed last, so the span covers the
 * throttle's wait and auto-retry's retries, and the HTTP client span of each attempt is its child.
 */
export function tracingTransformer(botId: string | undefined): Transformer {
  return (prev, method, payload, signal) =>
    inSpan(
      `telegram ${method}`,
      { 'telegram.api': 'bot', 'telegram.method': method, 'integrations.bot_id': botId },
      async (span) => {
        const result = await prev(method, payload, signal);
        if (!result.ok) {
          span.setAttribute('telegram.error_code', result.error_code);
          span.setStatus({ code: SpanStatusCode.ERROR, message: `Telegram answered ${result.error_code}` });
        }
        return result;
      },
      SpanKind.CLIENT,
    );
}
