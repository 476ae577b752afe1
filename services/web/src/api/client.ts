import type { FieldError, Problem } from '@integrations/contracts';
import { getToken, setToken } from '../auth/token-store';

export const API_BASE = '/api/integrations';

/** A problem+json answer, kept whole so that the UI can show its `detail` and field errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly retryAfter?: number;

  constructor(problem: Partial<Problem> & { status: number }, retryAfterHeader?: string | null) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code ?? 'INTERNAL';
    this.detail = problem.detail ?? problem.title ?? '';
    this.errors = problem.errors ?? [];
    const retry = (problem as { retryAfter?: unknown }).retryAfter ?? Number(retryAfterHeader ?? NaN);
    if (typeof retry === 'number' && Number.isFinite(retry)) this.retryAfter = retry;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Sends `Idempotency-Key`, so that a retried click cannot create or send twice. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** A token to try instead of the stored one (the sign-in screen checks a token before keeping it). */
  token?: string;
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = options.token ?? getToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (options.body !== undefined)
    headers['content-type'] =
      options.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      code: 'UPSTREAM_TIMEOUT',
      detail: 'The server cannot be reached. Check your connection.',
    });
  }
  if (res.status === 204) return undefined as T;
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  const body: unknown = isJson ? await res.json() : null;
  if (!res.ok) {
    const problem = (body ?? { title: res.statusText }) as Partial<Problem>;
    // An expired stored token signs the user out; the sign-in screen's candidate is only reported.
    if (res.status === 401 && !options.token) setToken(null);
    throw new ApiError({ ...problem, status: res.status }, res.headers.get('retry-after'));
  }
  return body as T;
}

export const newIdempotencyKey = () => crypto.randomUUID();
