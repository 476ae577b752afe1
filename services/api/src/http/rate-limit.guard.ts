import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { AuthedRequest } from '../auth/auth.guard';
import type { ApiConfig } from '../config';
import { type ConnectorName, isConnectorName } from '../platforms/registry';
import { OWNER_TTL_S, ownerKey } from '../telegram/resource-owner';
import { messageIdFor, type SendPlan } from '../telegram/send-flow';
import { TOKENS } from '../tokens';
import { ipCountDeferred } from './middleware';
import type { OwnerRecord, RateLimits, Scope } from './rate-limits';

const SENSITIVE_KEY = 'integrations:sensitive';
const SEND_KEY = 'integrations:send';

/** Connect routes: they make sessions at Telegram, so they have a strict per-user limit against abuse. */
export const Sensitive = () => SetMetadata(SENSITIVE_KEY, true);

/** Who owns a send route's message: a connector the route names, or the owner of the channel in its `:id`. */
export type SendOwner = { connector: ConnectorName } | { channelInParam: 'id' };

/**
 * A send route: counted against the per-user send limit (`RATE_LIMIT_SENDS`) alone, and its message id made here
 * so that the message's owner is recorded in the same Redis round trip as the count, when the count makes one (a
 * send admitted from a block this replica holds makes none; `SendFlow` then records a known owner meanwhile).
 */
export const SendRoute = (owner: SendOwner) => SetMetadata(SEND_KEY, owner);

/** Runs after authentication (guards run in order): the request's counters in one round trip, keyed by `sub`. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKENS.rateLimits) private readonly limits: RateLimits,
    @Inject(TOKENS.config) private readonly config: ApiConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest & { sendPlan?: SendPlan }>();
    const res = context.switchToHttp().getResponse<Response>();
    const ip: [Scope, string][] = ipCountDeferred(req) ? [['ip', req.ip ?? 'unknown']] : [];
    if (!req.principal) {
      // A public route (health, metrics, documents): only its IP counts.
      if (ip.length > 0) await this.limits.admit(ip, res);
      return true;
    }
    const targets = [context.getHandler(), context.getClass()];
    const send = this.reflector.getAllAndOverride<SendOwner | undefined>(SEND_KEY, targets);
    if (send) {
      req.sendPlan = await this.admitSend(req, res, send);
      return true;
    }
    const sensitive = this.reflector.getAllAndOverride<boolean>(SENSITIVE_KEY, targets);
    await this.limits.admit(
      [
        ...ip,
        ['user', req.principal.sub],
        ...(sensitive ? [['sensitive', req.principal.sub] as [Scope, string]] : []),
      ],
      res,
    );
    return true;
  }

  private async admitSend(req: AuthedRequest, res: Response, send: SendOwner): Promise<SendPlan> {
    const messageId = messageIdFor(req);
    const prefix = this.config.redisPrefix;
    const channelId = 'channelInParam' in send ? String(req.params[send.channelInParam]) : '';
    const record: OwnerRecord = {
      key: ownerKey(prefix, 'message', messageId),
      owner:
        'connector' in send
          ? { value: send.connector }
          : { copyFrom: ownerKey(prefix, 'channel', channelId) },
      ttlSeconds: OWNER_TTL_S,
    };
    const { owner } = await this.limits.admit([['send', req.principal.sub]], res, record);
    return { messageId, owner: isConnectorName(owner) ? owner : undefined, recorded: owner !== undefined };
  }
}
