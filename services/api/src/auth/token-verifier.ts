import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { createSecretKey } from 'node:crypto';
import type { ApiConfig } from '../config';

export const SCOPES = {
  read: 'integrations:read',
  write: 'integrations:write',
  admin: 'integrations:admin',
} as const;
export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

export interface Principal {
  sub: string;
  scopes: ReadonlySet<string>;
  admin: boolean;
  /** When the token expires (ms since the epoch): an open event stream closes then. */
  expiresAt: number;
}

/** Why a token was refused, for the auth-failure metric (never shown to the caller in more detail). */
export class TokenRejected extends Error {
  constructor(readonly reason: 'missing' | 'expired' | 'invalid' | 'claims') {
    super(reason);
  }
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const CLOCK_TOLERANCE_S = 30;

/**
 * How long a verified token is taken on trust without checking its signature again. A campaign sends thousands of
 * requests with one token; verifying each costs a signature check and, with a raw secret, a key import. The
 * expiry is still checked on every use, so the only thing the cache delays is noticing a signing key withdrawn
 * from the JWKS: by at most this long.
 */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

/**
 * Verifies bearer JWTs: JWKS (RS/ES/PS algorithms, keys fetched and cached by jose, rotated keys picked up on an
 * unknown `kid`) in production, an HS256 secret for local and test runs. The algorithm list is fixed, so
 * `alg: none` and algorithm confusion are refused.
 */
export function createTokenVerifier(auth: ApiConfig['auth']): TokenVerifier {
  const options = {
    clockTolerance: CLOCK_TOLERANCE_S,
    // A token without an expiry would be valid for ever: refused.
    requiredClaims: ['exp'],
    ...(auth.issuer ? { issuer: auth.issuer } : {}),
    ...(auth.audience ? { audience: auth.audience } : {}),
  };
  const jwks = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl), {
        cooldownDuration: auth.jwksCooldownMs ?? 30_000,
        cacheMaxAge: 600_000,
      })
    : undefined;
  // A KeyObject made once: jose would import raw bytes again on every verification.
  const secret = auth.jwtSecret ? createSecretKey(Buffer.from(auth.jwtSecret, 'utf8')) : undefined;
  const verified = new LRUCache<string, Principal>({ max: VERIFIED_MAX, ttl: VERIFIED_TTL_MS });
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt + CLOCK_TOLERANCE_S * 1000 > Date.now()) return known;
        verified.delete(token);
        throw new TokenRejected('expired');
      }
      try {
        const { payload } =
          jwks && !(secret && isHs256(token))
            ? await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] })
            : await jwtVerify(token, secret ?? new Uint8Array(), { ...options, algorithms: ['HS256'] });
        const principal = toPrincipal(payload, auth.maxTokenAgeS);
        verified.set(token, principal);
        return principal;
      } catch (error) {
        if (error instanceof TokenRejected) throw error;
        if (error instanceof errors.JWTExpired) throw new TokenRejected('expired');
        if (error instanceof errors.JWTClaimValidationFailed) throw new TokenRejected('claims');
        throw new TokenRejected('invalid');
      }
    },
  };
}

function isHs256(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as {
      alg?: string;
    };
    return header.alg === 'HS256';
  } catch {
    return false;
  }
}

function toPrincipal(payload: JWTPayload, maxTokenAgeS: number): Principal {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 64)
    throw new TokenRejected('claims');
  const exp = payload.exp;
  if (typeof exp !== 'number') throw new TokenRejected('claims');
  // The lifetime it was issued with (or, without `iat`, what is left of it) must not exceed the maximum age.
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
  if (exp - issuedAt > maxTokenAgeS + CLOCK_TOLERANCE_S) throw new TokenRejected('claims');
  const raw = (payload as { scope?: unknown; scp?: unknown }).scope ?? (payload as { scp?: unknown }).scp;
  const scopes = new Set(
    Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(' ').filter(Boolean) : [],
  );
  return { sub: payload.sub, scopes, admin: scopes.has(SCOPES.admin), expiresAt: exp * 1000 };
}
