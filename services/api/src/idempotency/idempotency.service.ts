import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@integrations/contracts';
import { isSecretKey } from '@integrations/observability';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AuthedRequest } from '../auth/auth.guard';
import type { ApiConfig } from '../config';
import { TOKENS } from '../tokens';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * What is kept for a replay: the answer without its secrets. A top-level field whose name is a secret's
 * (`secret`, `token`...) is dropped, and the body says so (`secretShownOnce`): a secret is shown once and never
 * sits in Redis for a replay.
 */
export function withoutSecrets(response: StoredResponse): StoredResponse {
  const body = response.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return response;
  const kept = Object.entries(body).filter(([key]) => !isSecretKey(key));
  if (kept.length === Object.keys(body).length) return response;
  return { ...response, body: { ...Object.fromEntries(kept), secretShownOnce: true } };
}

type Record_ = { state: 'pending'; hash: string } | ({ state: 'done'; hash: string } & StoredResponse);

const TTL_S = 24 * 3600;
/** A pending claim outlives the longest a request may run (the command timeout) by this much, then lapses. */
const PENDING_MARGIN_S = 5;
const KEY = /^[\x21-\x7e]{1,255}$/;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * `Idempotency-Key` on creating and sending POSTs: the first answer (without its secrets) is kept in Redis for 24 h and replayed for
 * the same key and body; another body with the same key is refused; a request still running answers 409 with
 * `Retry-After` (the IETF Idempotency-Key draft's answer, which a client retries).
 * Transient failures (5xx, 429) are not kept, so the caller can retry them with the same key.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @Inject(TOKENS.redis) private readonly redis: Redis,
    @Inject(TOKENS.config) private readonly config: ApiConfig,
  ) {}

  async run(
    req: AuthedRequest,
    execute: () => Promise<StoredResponse>,
  ): Promise<StoredResponse & { replayed?: boolean }> {
    const key = req.header('idempotency-key');
    if (key === undefined) return execute();
    if (!KEY.test(key)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'Idempotency-Key must be 1 to 255 visible ASCII characters.',
        {
          errors: [{ path: '/headers/idempotency-key', message: 'is not a valid key' }],
        },
      );
    }
    const redisKey = `${this.config.redisPrefix}idem:${req.principal.sub}:${sha256(key)}`;
    const hash = sha256(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`);
    const claimed = await unreachableAs504(
      this.redis.set(
        redisKey,
        JSON.stringify({ state: 'pending', hash } satisfies Record_),
        'EX',
        // A claim whose request died with Redis (the answer to SET, or the final SET, lost) must not block the
        // caller's retry for long: nothing can still be running once the command timeout has passed.
        Math.ceil(this.config.commandTimeoutMs / 1000) + PENDING_MARGIN_S,
        'NX',
      ),
    );
    if (claimed !== 'OK') {
      const existing = JSON.parse(
        (await unreachableAs504(this.redis.get(redisKey))) ?? '{"state":"pending","hash":""}',
      ) as Record_;
      if (existing.hash !== hash) {
        throw new DomainError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request.',
        );
      }
      if (existing.state === 'pending') {
        throw new DomainError('CONFLICT', 'A request with this Idempotency-Key is still being processed.', {
          retryAfter: 1,
        });
      }
      const failure = replayedError(existing);
      if (failure) throw failure;
      return {
        status: existing.status,
        body: existing.body,
        headers: existing.headers ?? {},
        replayed: true,
      };
    }
    // Once the request has run, its answer goes out even if Redis fails to keep it: the key then stays pending
    // (a retry answers 409) until it expires, and a retry after that reaches a service that dedupes by the key.
    let response: StoredResponse;
    try {
      response = await execute();
    } catch (error) {
      const status = error instanceof DomainError ? error.status : 500;
      if (status >= 500 || status === 429) {
        await this.redis.del(redisKey).catch(() => undefined);
      } else if (error instanceof DomainError) {
        const problemBody = { code: error.code, detail: error.message, errors: error.errors };
        await this.redis
          .set(
            redisKey,
            JSON.stringify({ state: 'done', hash, status: -status, body: problemBody } satisfies Record_),
            'EX',
            TTL_S,
          )
          .catch(() => undefined);
      }
      throw error;
    }
    await this.redis
      .set(
        redisKey,
        JSON.stringify({ state: 'done', hash, ...withoutSecrets(response) } satisfies Record_),
        'EX',
        TTL_S,
      )
      .catch(() => undefined);
    return response;
  }
}

/** Redis gone (a restart, a partition): the request did not run; the caller may retry it with the same key. */
async function unreachableAs504<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch {
    throw new DomainError(
      'UPSTREAM_TIMEOUT',
      'A store this request needs is not reachable; try again shortly.',
      {
        retryAfter: 1,
      },
    );
  }
}

/** A stored failure is replayed as the same DomainError (its status is kept negative to tell it apart). */
export function replayedError(response: StoredResponse): DomainError | undefined {
  if (response.status >= 0) return undefined;
  const body = response.body as { code: DomainError['code']; detail: string; errors?: DomainError['errors'] };
  return new DomainError(body.code, body.detail, body.errors ? { errors: body.errors } : {});
}
