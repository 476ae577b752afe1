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
import type {
  IntegrationPatchBody,
  WhatsAppNumberCreateBody,
  WhatsAppNumberQuery,
  WhatsAppSendBody,
} from '@integrations/contracts';
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
import { SendFlow } from '../telegram/send-flow';

const BASE = '/api/integrations/whatsapp/numbers';
const OWN = CONNECTORS.whatsapp.commands.own;

/**
 * WhatsApp Business numbers (connector-whatsapp, ADR 0022): each route is one `whatsapp.number.*` command; the
 * scopes, idempotency, rate limits and send flow are the Telegram bots' (the send's message owner is `whatsapp`,
 * so `GET /messages/{id}` asks `whatsapp.message.get`).
 */
@Controller(BASE.slice(1))
export class WhatsAppNumbersController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly idempotency: IdempotencyService,
    private readonly sendFlow: SendFlow,
  ) {}

  @Post()
  @RequireScope(SCOPES.write)
  @Sensitive()
  @Doc({
    tag: 'whatsapp',
    summary:
      'Connect a WhatsApp Business number (its token checked with Graph; token and app secret encrypted)',
    body: 'WhatsAppNumberCreateBody',
    ok: { status: 201, schema: 'WhatsAppNumber' },
    errors: [
      [409, 'Already connected'],
      [422, 'Invalid token (WHATSAPP_TOKEN_INVALID)'],
      [503, 'WhatsApp unavailable'],
    ],
    idempotent: true,
  })
  async create(
    @Body(new SchemaPipe('whatsapp-number-create')) body: WhatsAppNumberCreateBody,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.idempotency.run(req, async () => {
      const number = await this.gateway.call('whatsapp.number.connect', body, req);
      return { status: 201, body: number, headers: { Location: `${BASE}/${number.id}` } };
    });
    return respond(res, result);
  }

  @Get()
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'whatsapp',
    summary: "The caller's WhatsApp numbers",
    ok: { status: 200, schema: 'WhatsAppNumberPage' },
  })
  list(
    @Query(new SchemaPipe('whatsapp-number-query', { coerce: true })) query: WhatsAppNumberQuery,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call(OWN.list, query, req);
  }

  @Get(':id')
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'whatsapp',
    summary: 'One WhatsApp number: its status and quality rating',
    ok: { status: 200, schema: 'WhatsAppNumber' },
    errors: [[404, 'Not found']],
  })
  get(@Param('id', IdParam) id: string, @Req() req: AuthedRequest) {
    return this.gateway.call(OWN.get, { id }, req);
  }

  @Patch(':id')
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'whatsapp',
    summary: 'Pause, resume or label a WhatsApp number (JSON merge patch)',
    body: 'IntegrationPatchBody',
    ok: { status: 200, schema: 'WhatsAppNumber' },
    errors: [[404, 'Not found']],
  })
  update(
    @Param('id', IdParam) id: string,
    @Body(new SchemaPipe('integration-patch')) body: IntegrationPatchBody,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call(OWN.update, { ...body, id }, req);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'whatsapp',
    summary: 'Remove a WhatsApp number: erases its token and app secret',
    ok: { status: 204, description: 'Removed' },
    errors: [[404, 'Not found']],
  })
  async remove(@Param('id', IdParam) id: string, @Req() req: AuthedRequest): Promise<void> {
    await this.gateway.call(OWN.remove, { id }, req);
  }

  @Post(':id/send')
  @RequireScope(SCOPES.write)
  @SendRoute({ connector: 'whatsapp' })
  @Doc({
    tag: 'whatsapp',
    summary:
      'Send a free-form text (inside the 24-hour window) or an approved template; delivery follows at GET /messages/{id}',
    body: 'WhatsAppSendBody',
    ok: { status: 200, schema: 'WhatsAppMessage' },
    errors: [
      [404, 'Not found'],
      [409, 'Number paused'],
      [422, 'WhatsApp refused (template, rate)'],
      [503, 'WhatsApp unavailable'],
      [504, 'No answer in time'],
    ],
    idempotent: true,
    async: 'WhatsAppMessage',
  })
  async send(
    @Param('id', IdParam) id: string,
    @Body(new SchemaPipe('whatsapp-send')) body: WhatsAppSendBody,
    @Headers('prefer') prefer: string | undefined,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.sendFlow.run(req, res, prefer, {
      owner: 'whatsapp',
      send: (messageId, async) =>
        this.gateway.call(OWN.send, { ...body, numberId: id, messageId, async }, req, {
          idempotencyKey: messageId,
        }),
    });
  }
}
