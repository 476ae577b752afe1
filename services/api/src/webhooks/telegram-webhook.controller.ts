import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { DomainError, type TelegramUpdate } from '@integrations/contracts';
import { apiMetrics, type Registry } from '@integrations/observability';
import { type AuthedRequest, Public } from '../auth/auth.guard';
import { CommandGateway } from '../gateway/command-gateway';
import { IdParam, SchemaPipe } from '../http/schema.pipe';
import { TOKENS } from '../tokens';

/** Who a Telegram webhook acts as: nobody's token, so no user and no scope; the connector checks the secret. */
const TELEGRAM = {
  sub: 'telegram-webhook',
  scopes: new Set<string>(),
  admin: false,
  expiresAt: Number.MAX_SAFE_INTEGER,
};

/**
 * Telegram posts bot updates here when the deployment has a public URL. There is no JWT: the
 * `X-Telegram-Bot-Api-Secret-Token` header, set when the webhook was registered, is checked by the bot connector
 * against its keyed hash in constant time. Answering 200 only after the connector took the update makes
 * Telegram redeliver what we could not take.
 */
@Controller('api/integrations/telegram/webhooks')
export class TelegramWebhookController {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(TOKENS.registry) private readonly registry: Registry,
  ) {}

  @Post('bot/:botId')
  @Public()
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(
    @Param('botId', IdParam) botId: string,
    @Headers('x-telegram-bot-api-secret-token') secretToken: string | undefined,
    @Body(new SchemaPipe('telegram-update')) update: TelegramUpdate,
    @Req() req: AuthedRequest,
  ): Promise<{ ok: true }> {
    if (!secretToken || secretToken.length > 256) return this.reject();
    req.principal = TELEGRAM;
    try {
      await this.gateway.call('telegram.bot.webhook', { botId, secretToken, update }, req);
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'UNAUTHORIZED' || error.code === 'NOT_FOUND'))
        return this.reject();
      throw error;
    }
    return { ok: true };
  }

  private reject(): never {
    apiMetrics(this.registry).webhookRejected.inc();
    throw new DomainError('UNAUTHORIZED', 'Not a webhook of ours.');
  }
}
