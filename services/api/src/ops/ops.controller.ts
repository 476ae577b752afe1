import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Messaging } from '@integrations/messaging';
import { runChecks, type Registry } from '@integrations/observability';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { Public } from '../auth/auth.guard';
import { TOKENS } from '../tokens';

@ApiExcludeController()
@Public()
@Controller()
export class OpsController {
  constructor(
    @Inject(TOKENS.messaging) private readonly messaging: Messaging,
    @Inject(TOKENS.redis) private readonly redis: Redis,
    @Inject(TOKENS.registry) private readonly registry: Registry,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /** Ready when RabbitMQ and Redis answer; a 503 names the one that does not. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const result = await runChecks({
      rabbitmq: () => this.messaging.isConnected(),
      redis: async () => (await this.redis.ping()) === 'PONG',
    });
    const failing = Object.entries(result.checks)
      .filter(([, s]) => s === 'down')
      .map(([n]) => n);
    res.status(result.ok ? 200 : 503);
    return {
      status: result.ok ? 'ok' : 'unavailable',
      checks: result.checks,
      ...(failing.length ? { failing } : {}),
    };
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(this.registry.contentType).send(await this.registry.metrics());
  }
}
