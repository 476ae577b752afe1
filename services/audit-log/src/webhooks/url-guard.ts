import { DomainError } from '@integrations/contracts';
import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

/**
 * Webhook URLs are chosen by users, so without a guard they reach whatever the service can reach (the metadata
 * endpoint, the broker's management API...). Outside development only https to public unicast addresses is
 * allowed, and the check runs again on every connection, after DNS, so a name that later resolves to a private
 * address (DNS rebinding) is refused too.
 */
export interface UrlPolicy {
  /** Loopback and private addresses allowed (development and tests; never in production). */
  allowPrivate: boolean;
  /** Plain http allowed (development and tests). */
  allowHttp: boolean;
}

export function checkWebhookUrl(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('The url is not a valid absolute URL.');
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:'))
    throw invalid('The url must use https.');
  if (url.username || url.password) throw invalid('The url must not carry credentials.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host) && !addressAllowed(host, policy))
    throw invalid('The url points to a private or reserved address.');
  if (!policy.allowPrivate && /^(localhost|.*\.localhost|.*\.internal|.*\.local)$/i.test(host))
    throw invalid('The url points to a private host name.');
  return url;
}

export function addressAllowed(address: string, policy: UrlPolicy): boolean {
  if (policy.allowPrivate) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** A `lookup` for the HTTP client's connections that refuses what `addressAllowed` refuses. */
export function guardedLookup(policy: UrlPolicy) {
  return (
    hostname: string,
    options: object,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((a) => addressAllowed(a.address, policy));
      if (allowed.length === 0) {
        const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves only to refused addresses`);
        refused.code = 'EWEBHOOKADDRESS';
        return callback(refused, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, allowed);
      const first = allowed[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

const invalid = (detail: string) =>
  new DomainError('VALIDATION_FAILED', detail, { errors: [{ path: '/url', message: detail }] });
