import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { ListQuery, WebhookCreateBody } from '@integrations/contracts';
import type { Response } from 'express';
import { type AuthedRequest, RequireScope } from '../auth/auth.guard';
import { SCOPES } from '../auth/token-verifier';
import { CommandGateway } from '../gateway/command-gateway';
import { Doc } from '../http/docs';
import { Sensitive } from '../http/rate-limit.guard';
import { respond } from '../http/respond';
import { IdParam, SchemaPipe } from '../http/schema.pipe';
import { IdempotencyService } from '../idempotency/idempotency.service';

/** Outgoing webhook subscriptions: the caller's events, signed per the Standard Webhooks spec. */
@Controller('api/integrations/webhooks')
export class WebhooksController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @RequireScope(SCOPES.write)
  @Sensitive()
  @Doc({
    tag: 'webhooks',
    summary: 'Subscribe a URL to events (routing-key patterns); the signing secret is in this answer only',
    body: 'WebhookCreateBody',
    ok: { status: 201, schema: 'WebhookCreated' },
    errors: [
      [409, 'Too many webhooks'],
      [422, 'URL refused'],
    ],
    idempotent: true,
  })
  async create(
    @Body(new SchemaPipe('webhook-create')) body: WebhookCreateBody,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.idempotency.run(req, async () => {
      const webhook = await this.gateway.call('webhooks.create', body, req);
      return {
        status: 201,
        body: webhook,
        headers: { Location: `/api/integrations/webhooks/${webhook.id}` },
      };
    });
    return respond(res, result);
  }

  @Get()
  @RequireScope(SCOPES.read)
  @Doc({ tag: 'webhooks', summary: "The caller's webhooks", ok: { status: 200, schema: 'WebhookPage' } })
  list(@Query(new SchemaPipe('list-query', { coerce: true })) query: ListQuery, @Req() req: AuthedRequest) {
    return this.gateway.call('webhooks.list', query, req);
  }

  @Get(':id')
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'webhooks',
    summary: 'One webhook',
    ok: { status: 200, schema: 'Webhook' },
    errors: [[404, 'Not found']],
  })
  get(@Param('id', IdParam) id: string, @Req() req: AuthedRequest) {
    return this.gateway.call('webhooks.get', { id }, req);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'webhooks',
    summary: 'Remove a webhook and its delivery log',
    ok: { status: 204, description: 'Removed' },
    errors: [[404, 'Not found']],
  })
  async remove(@Param('id', IdParam) id: string, @Req() req: AuthedRequest): Promise<void> {
    await this.gateway.call('webhooks.remove', { id }, req);
  }

  @Get(':id/deliveries')
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'webhooks',
    summary: 'Deliveries of a webhook, newest first, each with its attempts',
    ok: { status: 200, schema: 'WebhookDeliveryPage' },
    errors: [[404, 'Not found']],
  })
  deliveries(
    @Param('id', IdParam) id: string,
    @Query(new SchemaPipe('list-query', { coerce: true })) query: ListQuery,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call('webhooks.deliveries', { ...query, id }, req);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'webhooks',
    summary: 'Send a delivery again (same webhook-id, so receivers still deduplicate)',
    ok: { status: 202, schema: 'WebhookDelivery' },
    errors: [
      [404, 'Not found'],
      [409, 'Webhook disabled'],
    ],
  })
  redeliver(
    @Param('id', IdParam) id: string,
    @Param('deliveryId', IdParam) deliveryId: string,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call('webhooks.redeliver', { id, deliveryId }, req);
  }
}
