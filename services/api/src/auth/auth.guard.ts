import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@integrations/contracts';
import { apiMetrics, type Registry } from '@integrations/observability';
import type { Request, Response } from 'express';
import { ipCountDeferred } from '../http/middleware';
import type { RateLimits } from '../http/rate-limits';
import { TOKENS } from '../tokens';
import { TokenRejected, type Principal, type Scope, type TokenVerifier } from './token-verifier';

const SCOPE_KEY = 'integrations:scope';
const PUBLIC_KEY = 'integrations:public';

/**
 * The scope a route needs: read for GET, write for changes, admin for operations. Also in the OpenAPI document
 * (`x-required-scope`), so clients and the ACL test read it from the same place the guard does.
 */
export const RequireScope = (scope: Scope) =>
  applyDecorators(SetMetadata(SCOPE_KEY, scope), ApiExtension('x-required-scope', scope));
/** Health, metrics and the OpenAPI document need no token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface AuthedRequest extends Request {
  principal: Principal;
  requestId: string;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKENS.verifier) private readonly verifier: TokenVerifier,
    @Inject(TOKENS.registry) private readonly registry: Registry,
    @Inject(TOKENS.rateLimits) private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header);
    try {
      if (!match?.[1]) throw new TokenRejected('missing');
      req.principal = await this.verifier.verify(match[1]);
    } catch (error) {
      const reason = error instanceof TokenRejected ? error.reason : 'invalid';
      apiMetrics(this.registry).authFailures.inc({ reason });
      // A bad token's IP is counted before its 401 (over the per-IP limit, the answer is the 429).
      if (ipCountDeferred(req)) await this.limits.admit([['ip', req.ip ?? 'unknown']], req.res as Response);
      throw new DomainError(
        'UNAUTHORIZED',
        reason === 'missing'
          ? 'A bearer token is required.'
          : reason === 'expired'
            ? 'The token has expired.'
            : 'The token is not valid.',
      );
    }
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets);
    if (scope && !req.principal.scopes.has(scope) && !req.principal.admin) {
      apiMetrics(this.registry).authFailures.inc({ reason: 'scope' });
      throw new DomainError('FORBIDDEN', `This needs the ${scope} scope.`);
    }
    return true;
  }
}
