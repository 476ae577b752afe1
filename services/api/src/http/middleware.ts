import { DomainError } from '@integrations/contracts';
import { apiMetrics, type Registry } from '@integrations/observability';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from './problem';
import type { RateLimits } from './rate-limits';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `X-Request-Id`: echoed when the caller (the gateway) sent a sane one, generated otherwise. */
export function requestId(req: Request & { requestId?: string }, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  req.requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  next();
}

/** Request metrics labelled by the route template (never the raw path: ids would explode the series). */
export function requestMetrics(registry: Registry) {
  const metrics = apiMetrics(registry);
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.requestDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const endpoint = route
        ? `${req.baseUrl}${route}`
        : req.path.startsWith('/health') || req.path === '/metrics'
          ? req.path
          : 'unmatched';
      const labels = { endpoint, method: req.method, status: String(res.statusCode) };
      end(labels);
      metrics.requestTotal.inc(labels);
      // 4xx too, by their problem code: what a security dashboard watches (401s, 403s, 404s, 429s).
      if (res.statusCode >= 400) {
        const code = typeof res.locals['problemCode'] === 'string' ? res.locals['problemCode'] : 'NONE';
        metrics.requestErrorTotal.inc({ ...labels, code });
      }
    });
    next();
  };
}

/** body-parser's own failures (too large, not JSON) as problem+json instead of express's HTML page. */
export function bodyErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const type = (error as { type?: string })?.type;
  if (type === 'entity.too.large')
    return sendProblem(
      res,
      new DomainError('PAYLOAD_TOO_LARGE', 'The body is over the 64 KiB limit.'),
      req.path,
    );
  if (type === 'entity.parse.failed') {
    return sendProblem(
      res,
      new DomainError('VALIDATION_FAILED', 'The body is not valid JSON.', {
        errors: [{ path: '/', message: 'is not valid JSON' }],
      }),
      req.path,
    );
  }
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return sendProblem(res, new DomainError('VALIDATION_FAILED', 'Unsupported body encoding.'), req.path);
  }
  next(error);
}

const BEARER = /^Bearer\s/i;

/** A request whose per-IP count the guards make, in the one Redis round trip of its user's counters. */
export const ipCountDeferred = (req: Request): boolean =>
  (req as Request & { ipDeferred?: boolean }).ipDeferred === true;

/**
 * The per-IP limit, before authentication, so that a flood without a token is refused cheaply. A request with a
 * bearer token is counted by the guards instead: with its user's counters when the token is good (one round
 * trip), alone before the 401 when it is not.
 */
export function ipRateLimit(limits: RateLimits) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith('/health') || req.path === '/metrics') return next();
    if (BEARER.test(req.headers.authorization ?? '')) {
      (req as Request & { ipDeferred?: boolean }).ipDeferred = true;
      return next();
    }
    limits.admit([['ip', req.ip ?? 'unknown']], res).then(
      () => next(),
      (error: unknown) => (error instanceof DomainError ? sendProblem(res, error, req.path) : next(error)),
    );
  };
}
