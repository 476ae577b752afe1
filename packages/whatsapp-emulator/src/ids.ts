import { randomBytes, randomInt } from 'node:crypto';

/** A numeric Graph id of `digits` digits (phone number ids and WABA ids are 15-16 digits at Meta). */
export function graphId(digits = 15): string {
  let out = String(randomInt(1, 10));
  while (out.length < digits) out += String(randomInt(0, 10));
  return out;
}

/** A system-user-like access token: Meta's start with `EAA`. */
export function accessToken(): string {
  return `EAA${randomBytes(48).toString('base64url')}`;
}

/** An app secret: 32 hex characters, like Meta's. */
export function appSecret(): string {
  return randomBytes(16).toString('hex');
}

/** A WhatsApp message id: `wamid.` and an opaque base64 string. */
export function wamid(): string {
  return `wamid.${randomBytes(24).toString('base64url')}`;
}

/** The `fbtrace_id` of an error: an opaque string per answer. */
export function fbtraceId(): string {
  return randomBytes(8).toString('base64url');
}

export function shortId(): string {
  return randomBytes(6).toString('hex');
}
