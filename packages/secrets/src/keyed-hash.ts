import { createHmac } from 'node:crypto';

/**
 * A keyed hash (HMAC-SHA256) for finding duplicates of a secret without storing it: unlike a plain hash, a
 * leaked table cannot be brute-forced without the key.
 */
export function keyedHash(key: string, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
