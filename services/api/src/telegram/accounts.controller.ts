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
  AccountGetQuery,
  AccountSendBody,
  ConnectBody,
  FlowCodeBody,
  FlowPasswordBody,
  IntegrationPatchBody,
  SearchQuery,
} from '@integrations/contracts';
import { ApiQuery } from '@nestjs/swagger';
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

const OWN = CONNECTORS.account.commands.own;

const FLOW_ERRORS: [number, string][] = [
  [404, 'No such flow'],
  [410, 'The flow expired'],
  [422, 'Wrong code, password or phone'],
  [429, 'Telegram flood wait'],
];

@Controller('api/integrations/telegram')
export class AccountsController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly idempotency: IdempotencyService,
    private readonly sendFlow: SendFlow,
  ) {}

  @Post('connect')
  @RequireScope(SCOPES.write)
  @Sensitive()
  @Doc({
    tag: 'accounts',
    summary: 'Start connecting a Telegram account by QR code or by phone code',
    body: 'ConnectBody',
    ok: { status: 202, schema: 'Flow' },
    errors: FLOW_ERRORS,
    idempotent: true,
  })
  async connect(
    @Body(new SchemaPipe('connect')) body: ConnectBody,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.idempotency.run(req, async () => {
      const flow = await this.gateway.call('telegram.account.connect', body, req);
      return {
        status: 202,
        body: flow,
        headers: { Location: `/api/integrations/telegram/connect/${flow.flowId}` },
      };
    });
    return respond(res, result);
  }

  @Get('connect/:flowId')
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'accounts',
    summary: 'The state of a connect flow (QR refreshed before it expires)',
    ok: { status: 200, schema: 'Flow' },
    errors: FLOW_ERRORS,
  })
  flow(@Param('flowId', IdParam) flowId: string, @Req() req: AuthedRequest) {
    return this.gateway.call('telegram.account.flow.get', { flowId }, req);
  }

  @Post('connect/:flowId/code')
  @HttpCode(200)
  @RequireScope(SCOPES.write)
  @Sensitive()
  @Doc({
    tag: 'accounts',
    summary: 'Submit the login code',
    body: 'FlowCodeBody',
    ok: { status: 200, schema: 'Flow' },
    errors: FLOW_ERRORS,
  })
  code(
    @Param('flowId', IdParam) flowId: string,
    @Body(new SchemaPipe('flow-code')) body: FlowCodeBody,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call('telegram.account.flow.code', { flowId, code: body.code }, req);
  }

  @Post('connect/:flowId/resend')
  @HttpCode(200)
  @RequireScope(SCOPES.write)
  @Sensitive()
  @Doc({
    tag: 'accounts',
    summary: 'Send the login code again (Telegram may switch to SMS); the old code stops working',
    ok: { status: 200, schema: 'Flow' },
    errors: [...FLOW_ERRORS, [409, 'The flow is not waiting for a code']],
  })
  resend(@Param('flowId', IdParam) flowId: string, @Req() req: AuthedRequest) {
    return this.gateway.call('telegram.account.flow.resend', { flowId }, req);
  }

  @Post('connect/:flowId/password')
  @HttpCode(200)
  @RequireScope(SCOPES.write)
  @Sensitive()
  @Doc({
    tag: 'accounts',
    summary: 'Submit the 2FA password',
    body: 'FlowPasswordBody',
    ok: { status: 200, schema: 'Flow' },
    errors: FLOW_ERRORS,
  })
  password(
    @Param('flowId', IdParam) flowId: string,
    @Body(new SchemaPipe('flow-password')) body: FlowPasswordBody,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call('telegram.account.flow.password', { flowId, password: body.password }, req);
  }

  @Delete('connect/:flowId')
  @HttpCode(204)
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'accounts',
    summary: 'Cancel a connect flow',
    ok: { status: 204, description: 'Cancelled' },
    errors: [[404, 'No such flow']],
  })
  async cancel(@Param('flowId', IdParam) flowId: string, @Req() req: AuthedRequest): Promise<void> {
    await this.gateway.call('telegram.account.flow.cancel', { flowId }, req);
  }

  @Get('accounts')
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'accounts',
    summary: "The caller's Telegram accounts",
    ok: { status: 200, schema: 'AccountPage' },
  })
  list(
    @Query(new SchemaPipe('search-query', { coerce: true })) query: SearchQuery,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call(OWN.list, query, req);
  }

  @Get('accounts/:id')
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'accounts',
    summary:
      'One account; `?reveal=phone` adds its full phone number (`fullPhone`), for its owner only, audited',
    ok: { status: 200, schema: 'Account' },
    errors: [
      [404, 'Not found (with reveal=phone: also another user’s account, whatever the scope)'],
      [422, 'An unknown query parameter or reveal value'],
    ],
  })
  @ApiQuery({
    name: 'reveal',
    required: false,
    enum: ['phone'],
    description: '`phone`: add `fullPhone` (owner only, audited as `telegram.account.phone_revealed`)',
  })
  get(
    @Param('id', IdParam) id: string,
    @Query(new SchemaPipe('account-get-query')) query: AccountGetQuery,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    // The full number is for this answer only: no cache (browser or proxy) keeps it.
    if (query.reveal) res.setHeader('Cache-Control', 'no-store');
    return this.gateway.call(OWN.get, { id, ...query }, req);
  }

  @Patch('accounts/:id')
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'accounts',
    summary:
      'Pause, resume or label an account (JSON merge patch); a paused account is disconnected, its session kept',
    body: 'IntegrationPatchBody',
    ok: { status: 200, schema: 'Account' },
    errors: [[404, 'Not found']],
  })
  update(
    @Param('id', IdParam) id: string,
    @Body(new SchemaPipe('integration-patch')) body: IntegrationPatchBody,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call(OWN.update, { ...body, id }, req);
  }

  @Delete('accounts/:id')
  @HttpCode(204)
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'accounts',
    summary: 'Log the session out at Telegram and erase it',
    ok: { status: 204, description: 'Removed' },
    errors: [[404, 'Not found']],
  })
  async remove(@Param('id', IdParam) id: string, @Req() req: AuthedRequest): Promise<void> {
    await this.gateway.call(OWN.remove, { id }, req);
  }

  @Post('accounts/:id/reconnect')
  @HttpCode(200)
  @RequireScope(SCOPES.write)
  @Sensitive()
  @Doc({
    tag: 'accounts',
    summary: 'Reconnect the session; answers the status after the attempt',
    ok: { status: 200, schema: 'Account' },
    errors: [
      [404, 'Not found'],
      [409, 'Session revoked'],
    ],
  })
  reconnect(@Param('id', IdParam) id: string, @Req() req: AuthedRequest) {
    return this.gateway.call('telegram.account.reconnect', { id }, req);
  }

  @Post('accounts/:id/send')
  @RequireScope(SCOPES.write)
  @SendRoute({ connector: 'account' })
  @Doc({
    tag: 'accounts',
    summary: 'Send a message as the account',
    body: 'AccountSendBody',
    ok: { status: 200, schema: 'Message' },
    errors: [
      [404, 'Not found'],
      [409, 'Session revoked'],
      [422, 'Telegram refused'],
      [503, 'Telegram unavailable'],
      [504, 'No answer in time'],
    ],
    idempotent: true,
    async: true,
  })
  async send(
    @Param('id', IdParam) id: string,
    @Body(new SchemaPipe('account-send')) body: AccountSendBody,
    @Headers('prefer') prefer: string | undefined,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.sendFlow.run(req, res, prefer, {
      owner: 'account',
      send: (messageId, async) =>
        this.gateway.call(OWN.send, { ...body, accountId: id, messageId, async }, req, {
          idempotencyKey: messageId,
        }),
    });
  }
}
