import { Inject, Injectable } from '@nestjs/common';
import {
  ACCOUNT_SHARDS,
  type CommandDataMap,
  type CommandType,
  DomainError,
  type ReplyDataMap,
} from '@integrations/contracts';
import type { MessageContext, Messaging, ShardRouting } from '@integrations/messaging';
import { currentTraceparent } from '@integrations/observability';
import type { AuthedRequest } from '../auth/auth.guard';
import type { ApiConfig } from '../config';
import { TOKENS } from '../tokens';

/** The account connector's commands: it forwards each from its lanes to its user's shard queue. */
const isAccountCommand = (type: CommandType) => type.startsWith('telegram.account.');

/**
 * The api's only way to the connectors: a typed command, sent as the caller (their `sub`, request id, admin
 * flag and trace), answered through request/reply. A failed reply becomes the DomainError it describes.
 */
@Injectable()
export class CommandGateway {
  /**
   * Where an account request goes: straight to its user's shard queue, which skips the connector's forward (one
   * delivery, one publish and its confirm before the command reaches the replica that serves the shard).
   */
  private readonly accountShards: ShardRouting | undefined;

  constructor(
    @Inject(TOKENS.messaging) private readonly messaging: Messaging,
    @Inject(TOKENS.config) private readonly config: ApiConfig,
  ) {
    // Only with the account connector deployed has the api declared the shard exchange (see `startApi`).
    this.accountShards = config.connectors.has('account')
      ? { exchange: ACCOUNT_SHARDS.exchange, service: ACCOUNT_SHARDS.service, shards: config.accountShards }
      : undefined;
  }

  contextOf(req: AuthedRequest, extra: Partial<MessageContext> = {}): MessageContext {
    const traceparent = currentTraceparent();
    return {
      userId: req.principal.sub,
      requestId: req.requestId,
      ...(req.principal.admin ? { admin: true } : {}),
      ...(traceparent ? { traceparent } : {}),
      ...extra,
    };
  }

  /**
   * A command no one answers to the caller (its effects are announced as events): resolves once the broker has
   * it. Its `userid` may be overridden (`extra.userId`): a command about a user is sent as that user.
   */
  async send<T extends CommandType>(
    type: T,
    data: CommandDataMap[T],
    req: AuthedRequest,
    extra: Partial<MessageContext> = {},
  ): Promise<void> {
    await this.messaging.sendCommand(type, data, this.contextOf(req, extra));
  }

  async call<T extends CommandType>(
    type: T,
    data: CommandDataMap[T],
    req: AuthedRequest,
    extra: Partial<MessageContext> = {},
  ): Promise<ReplyDataMap[T]> {
    const reply = await this.messaging.request<ReplyDataMap[T]>(type, data, this.contextOf(req, extra), {
      timeoutMs: this.config.commandTimeoutMs,
      ...(this.accountShards && isAccountCommand(type) ? { shard: this.accountShards } : {}),
    });
    if (!reply.ok) throw DomainError.fromReplyError(reply.error);
    return reply.data;
  }
}
