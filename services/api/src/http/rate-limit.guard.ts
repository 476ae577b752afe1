import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { AuthedRequest } from '../auth/auth.guard';
import { TOKENS } from '../tokens';
import type { RateLimits } from './rate-limits';

const SENSITIVE_KEY = 'integrations:sensitive';

/** Connect and send routes: they reach Telegram, so they have a stricter per-user limit. */
export const Sensitive = () => SetMetadata(SENSITIVE_KEY, true);

/** Runs after authentication (guards run in order): the per-user limits, keyed by the token's `sub`. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKENS.rateLimits) private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    if (!req.principal) return true; // a public route (health, metrics)
    const res = context.switchToHttp().getResponse<Response>();
    await this.limits.consume('user', req.principal.sub, res);
    if (
      this.reflector.getAllAndOverride<boolean>(SENSITIVE_KEY, [context.getHandler(), context.getClass()])
    ) {
      await this.limits.consume('sensitive', req.principal.sub, res);
    }
    return true;
  }
}
