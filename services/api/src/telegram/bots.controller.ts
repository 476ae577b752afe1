import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { BotCreateBody, BotSendBody, IntegrationPatchBody, SearchQuery } from '@integrations/contracts';
import type { Response } from 'express';
import { type AuthedRequest, RequireScope } from '../auth/auth.guard';
import { SCOPES } from '../auth/token-verifier';
import { CommandGateway } from '../gateway/command-gateway';
import { Doc } from '../http/docs';
import { SendRoute, Sensitive } from '../http/rate-limit.guard';
import { respond } from '../http/respond';
import { IdParam, SchemaPipe } from '../http/schema.pipe';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { CONNECTORS } from '../platforms/registry';
import { SendFlow } from './send-flow';
import { SendableResources } from './sendable';

const OWN = CONNECTORS.bot.commands.own;
const sendableBot = (id: string) => `bot:${id}`;

@Controller('api/integrations/telegram/bots')
export class BotsController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly idempotency: IdempotencyService,
    private readonly sendFlow: SendFlow,
    private readonly sendable: SendableResources,
  ) {}

  @Post()
  @RequireScope(SCOPES.write)
  @Sensitive()
  @Doc({
    tag: 'bots',
    summary: 'Connect a bot by its token (verified with getMe)',
    body: 'BotCreateBody',
    ok: { status: 201, schema: 'Bot' },
    errors: [
      [409, 'Already connected'],
      [422, 'Invalid token'],
    ],
    idempotent: true,
  })
  async create(
    @Body(new SchemaPipe('bot-create')) body: BotCreateBody,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.idempotency.run(req, async () => {
      const bot = await this.gateway.call('telegram.bot.connect', { token: body.token }, req);
      return { status: 201, body: bot, headers: { Location: `/api/integrations/telegram/bots/${bot.id}` } };
    });
    return respond(res, result);
  }

  @Get()
  @RequireScope(SCOPES.read)
  @Doc({ tag: 'bots', summary: "The caller's bots", ok: { status: 200, schema: 'BotPage' } })
  list(
    @Query(new SchemaPipe('search-query', { coerce: true })) query: SearchQuery,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call(OWN.list, query, req);
  }

  @Get(':id')
  @RequireScope(SCOPES.read)
  @Doc({ tag: 'bots', summary: 'One bot', ok: { status: 200, schema: 'Bot' }, errors: [[404, 'Not found']] })
  get(@Param('id', IdParam) id: string, @Req() req: AuthedRequest) {
    return this.gateway.call(OWN.get, { id }, req);
  }

  @Patch(':id')
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'bots',
    summary: 'Pause, resume or label a bot (JSON merge patch)',
    body: 'IntegrationPatchBody',
    ok: { status: 200, schema: 'Bot' },
    errors: [[404, 'Not found']],
  })
  update(
    @Param('id', IdParam) id: string,
    @Body(new SchemaPipe('integration-patch')) body: IntegrationPatchBody,
    @Req() req: AuthedRequest,
  ) {
    // Paused or relabelled here: the next async send asks the connector again (it answers 409 while paused).
    this.sendable.forget(sendableBot(id));
    return this.gateway.call(OWN.update, { ...body, id }, req);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'bots',
    summary: 'Remove a bot: deletes its webhook and erases the token',
    ok: { status: 204, description: 'Removed' },
    errors: [[404, 'Not found']],
  })
  async remove(@Param('id', IdParam) id: string, @Req() req: AuthedRequest): Promise<void> {
    this.sendable.forget(sendableBot(id));
    await this.gateway.call(OWN.remove, { id }, req);
  }

  @Post(':id/send')
  @RequireScope(SCOPES.write)
  @SendRoute({ connector: 'bot' })
  @Doc({
    tag: 'bots',
    summary: 'Send a message as the bot',
    body: 'BotSendBody',
    ok: { status: 200, schema: 'Message' },
    errors: [
      [404, 'Not found'],
      [422, 'Telegram refused'],
      [503, 'Telegram unavailable'],
      [504, 'No answer in time'],
    ],
    idempotent: true,
    async: true,
  })
  async send(
    @Param('id', IdParam) id: string,
    @Body(new SchemaPipe('bot-send')) body: BotSendBody,
    @Headers('prefer') prefer: string | undefined,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.sendFlow.run(req, res, prefer, {
      owner: 'bot',
      send: (messageId, async) =>
        this.gateway.call(OWN.send, { ...body, botId: id, messageId, async }, req, {
          idempotencyKey: messageId,
        }),
      detached: {
        resource: sendableBot(id),
        chatId: body.chatId,
        publish: (messageId) =>
          this.gateway.send(OWN.send, { ...body, botId: id, messageId, async: true }, req, {
            idempotencyKey: messageId,
          }),
      },
    });
  }
}
