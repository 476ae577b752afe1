import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `X-Hub-Signature-256` is Meta's signature of exactly these bytes: `sha256=` and the hex HMAC-SHA256 of
 * the raw body with the app secret, compared in constant time. Anything else (missing, another scheme, another
 * length) is false.
 */
export function signatureMatches(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length).toLowerCase(), 'utf8');
  const expected = Buffer.from(createHmac('sha256', appSecret).update(raw).digest('hex'), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
