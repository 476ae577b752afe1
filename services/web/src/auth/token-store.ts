import { useSyncExternalStore } from 'react';

// The token lives for the browser tab only: closing the tab signs out, and no other site's script can read it
// from a cookie. A real deployment hands it over from the platform's own sign-in.
const KEY = 'integrations.token';
const listeners = new Set<() => void>();

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken);
}

/** The `sub` and `scope` of a JWT, for display only: the api checks the signature, the browser cannot. */
export function describeToken(
  token: string,
): { subject: string; scopes: string[]; expiresAt: Date | null } | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    return {
      subject: typeof json['sub'] === 'string' ? json['sub'] : '',
      scopes: typeof json['scope'] === 'string' ? json['scope'].split(' ').filter(Boolean) : [],
      expiresAt: typeof json['exp'] === 'number' ? new Date(json['exp'] * 1000) : null,
    };
  } catch {
    return null;
  }
}
