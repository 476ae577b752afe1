import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Messaging } from '@integrations/messaging';
import type { Logger, Registry } from '@integrations/observability';
import type { Redis } from 'ioredis';
import { AdminController } from './admin/admin.controller';
import { LogsController } from './audit/logs.controller';
import { StatsController } from './audit/stats.controller';
import { AuthGuard } from './auth/auth.guard';
import type { TokenVerifier } from './auth/token-verifier';
import type { ApiConfig } from './config';
import { EventStream } from './events/event-stream';
import { EventsController } from './events/events.controller';
import { CommandGateway } from './gateway/command-gateway';
import { ProblemFilter } from './http/problem.filter';
import { RateLimitGuard } from './http/rate-limit.guard';
import type { RateLimits } from './http/rate-limits';
import { IdempotencyService } from './idempotency/idempotency.service';
import { OpsController } from './ops/ops.controller';
import { AccountsController } from './telegram/accounts.controller';
import { BotsController } from './telegram/bots.controller';
import { ChannelsController } from './telegram/channels.controller';
import { MessagesController } from './telegram/messages.controller';
import { ResourceOwners } from './telegram/resource-owner';
import { SendFlow } from './telegram/send-flow';
import { SendableResources } from './telegram/sendable';
import { TOKENS } from './tokens';
import { TelegramWebhookController } from './webhooks/telegram-webhook.controller';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WhatsAppNumbersController } from './whatsapp/numbers.controller';

export interface ApiDependencies {
  config: ApiConfig;
  messaging: Messaging;
  redis: Redis;
  registry: Registry;
  logger: Logger;
  verifier: TokenVerifier;
  rateLimits: RateLimits;
}

@Module({})
export class AppModule {
  /** Connections are made before Nest starts (and closed after it stops): the module only wires them in. */
  static with(deps: ApiDependencies): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        OpsController,
        AdminController,
        BotsController,
        ChannelsController,
        AccountsController,
        WhatsAppNumbersController,
        MessagesController,
        LogsController,
        StatsController,
        EventsController,
        TelegramWebhookController,
        WebhooksController,
      ],
      providers: [
        { provide: TOKENS.config, useValue: deps.config },
        { provide: TOKENS.messaging, useValue: deps.messaging },
        { provide: TOKENS.redis, useValue: deps.redis },
        { provide: TOKENS.registry, useValue: deps.registry },
        { provide: TOKENS.logger, useValue: deps.logger },
        { provide: TOKENS.verifier, useValue: deps.verifier },
        { provide: TOKENS.rateLimits, useValue: deps.rateLimits },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        CommandGateway,
        IdempotencyService,
        ResourceOwners,
        SendFlow,
        SendableResources,
        EventStream,
      ],
    };
  }
}
