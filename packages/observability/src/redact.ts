/**
 * Removes secrets from anything about to be logged, traced or returned in an error. Two nets: by key (a field
 * called `token`, `password`, `code`, `session`...) and by value (anything shaped like a bot token, a JWT, a
 * bearer header or a long base64 session string), because secrets also hide inside messages and URLs.
 */
export const REDACTED = '[REDACTED]';

const SECRET_KEYS =
  /^(token|bot_?token|access_?token|refresh_?token|password|passwd|pass|code|phone_?code|login_?code|session|session_?string|session_?data|string_?session|secret|client_?secret|api_?hash|authorization|cookie|set-cookie|x-vault-token|vault_?token|private_?key|plaintext|bot_token_enc|session_enc|srp|otp)$/i;
/** Key names by pattern: anything naming a secret, token, password, or an encrypted column (`*Enc`, `*_enc`). */
const SECRET_KEY_PATTERNS =
  /(secret|token|password|passwd|passphrase|api_?hash|private_?key|session_?string|string_?session)|(enc|_enc)$/i;
/** Keys that look like secrets but only count/describe them. */
const NOT_SECRET_KEYS = /^(token_?type|tokens?_?count|.*(_at|_version|_id|_ids))$|(At|Version|Id|Ids)$/i;

/** Whether a field with this name holds a secret (its value is dropped whatever it looks like). */
export function isSecretKey(key: string): boolean {
  if (SECRET_KEYS.test(key)) return true;
  if (NOT_SECRET_KEYS.test(key)) return false;
  const last = key.split('.').pop() ?? key;
  return SECRET_KEYS.test(last) || SECRET_KEY_PATTERNS.test(key);
}

const PHONE_KEYS = /^(phone|phone_?number|msisdn)$/i;

const VALUE_PATTERNS: RegExp[] = [
  /(?<!\d)\d{3,20}:[A-Za-z0-9_-]{20,100}(?![A-Za-z0-9_-])/g, // a bot token, as the connector accepts them
  /\/bot[^/?#\s]+\//g, // a Bot API URL path (`/bot<token>/`), whatever the token looks like
  /\bwhsec_[A-Za-z0-9+/=_-]{8,}/g, // a webhook signing secret
  /(secret_token["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi, // Telegram's webhook secret_token
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, // bearer credentials
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, // a JWT
  /\b1[A-Za-z0-9+/_-]{200,}={0,2}/g, // a GramJS StringSession ("1" + base64)
  /\bhvs\.[A-Za-z0-9_-]{10,}/g, // a Vault token
];
const PHONE_IN_TEXT = /\+\d{7,15}\b/g;

/** "+79991234567" → "+7999***4567": enough to recognise, not enough to use. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  if (digits.length < 8) return '***';
  return `+${digits.slice(0, 4)}***${digits.slice(-4)}`;
}

export function redactText(text: string): string {
  let out = text;
  for (const pattern of VALUE_PATTERNS)
    out = out.replace(pattern, (match: string, prefix?: unknown) => {
      if (match.startsWith('/bot')) return `/bot${REDACTED}/`;
      return typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED;
    });
  return out.replace(PHONE_IN_TEXT, (phone) => maskPhone(phone));
}

/** A deep copy with secrets replaced; errors keep their name, message (redacted) and stack. */
export function redact<T>(value: T, depth = 0, seen = new WeakSet<object>()): T {
  return redactValue(value, undefined, depth, seen) as T;
}

function redactValue(value: unknown, key: string | undefined, depth: number, seen: WeakSet<object>): unknown {
  if (key !== undefined && isSecretKey(key) && value !== undefined && value !== null && value !== '') {
    return REDACTED;
  }
  if (typeof value === 'string') {
    return key !== undefined && PHONE_KEYS.test(key) ? maskPhone(value) : redactText(value);
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[Truncated]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    if (value.stack) out['stack'] = redactText(value.stack);
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k, depth + 1, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, undefined, depth + 1, seen));
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k, depth + 1, seen);
  return out;
}
