import {
  Body,
  Controller,
  Inject,
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
import {
  type Channel,
  type ChannelAttachBody,
  type ChannelPage,
  type ChannelSendBody,
  DomainError,
  type IntegrationPatchBody,
  type SearchQuery,
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
import type { ApiConfig } from '../config';
import { TOKENS } from '../tokens';
import {
  type ChannelConnectorName,
  CONNECTOR_NAMES,
  channelCommandsOf,
  deployed,
  hasChannels,
  isConnectorName,
} from '../platforms/registry';
import { SendFlow } from './send-flow';
import { ResourceOwners } from './resource-owner';

/** The merged list walks the deployed connectors' channels in registry order (bots first, then accounts). */
interface MergedCursor {
  owner: ChannelConnectorName;
  cursor?: string;
}

const encodeCursor = (c: MergedCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string | undefined, first: ChannelConnectorName): MergedCursor {
  if (!raw) return { owner: first };
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString()) as MergedCursor;
    if (
      isConnectorName(value.owner) &&
      hasChannels(value.owner) &&
      (value.cursor === undefined || typeof value.cursor === 'string')
    )
      return value;
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'The cursor is not valid.', {
    errors: [{ path: '/cursor', message: 'is not a cursor of this list' }],
  });
}

@Controller('api/integrations/telegram/channels')
export class ChannelsController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly idempotency: IdempotencyService,
    private readonly owners: ResourceOwners,
    private readonly sendFlow: SendFlow,
    @Inject(TOKENS.config) private readonly config: ApiConfig,
  ) {}

  @Post()
  @RequireScope(SCOPES.write)
  @Sensitive()
  @Doc({
    tag: 'channels',
    summary: 'Attach a channel or group through a connected bot or account (post rights verified)',
    body: 'ChannelAttachBody',
    ok: { status: 201, schema: 'Channel' },
    errors: [
      [404, 'Bot or account not found'],
      [409, 'Already attached'],
      [422, 'Chat not found or no post rights'],
    ],
    idempotent: true,
  })
  async attach(
    @Body(new SchemaPipe('channel-attach')) body: ChannelAttachBody,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.idempotency.run(req, async () => {
      const channel: Channel = await this.gateway.call(channelCommandsOf(body.via.type).attach, body, req);
      await this.owners.remember('channel', channel.id, body.via.type);
      return {
        status: 201,
        body: channel,
        headers: { Location: `/api/integrations/telegram/channels/${channel.id}` },
      };
    });
    return respond(res, result);
  }

  @Get()
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'channels',
    summary: "The caller's channels and groups (through bots and accounts)",
    ok: { status: 200, schema: 'ChannelPage' },
  })
  async list(
    @Query(new SchemaPipe('search-query', { coerce: true })) query: SearchQuery,
    @Req() req: AuthedRequest,
  ): Promise<ChannelPage> {
    const owners = deployed(this.config.connectors).filter(hasChannels);
    let position = decodeCursor(query.cursor, owners[0] ?? CONNECTOR_NAMES.filter(hasChannels)[0]);
    const items: Channel[] = [];
    // Fill the page from the bot connector, then continue with the account connector.
    for (;;) {
      const data = {
        limit: query.limit - items.length,
        ...(position.cursor ? { cursor: position.cursor } : {}),
        ...(query.q ? { q: query.q } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.isActive !== undefined ? { isActive: query.isActive } : {}),
      };
      const page = await this.gateway.call(channelCommandsOf(position.owner).list, data, req);
      items.push(...page.items);
      if (page.nextCursor)
        return { items, nextCursor: encodeCursor({ owner: position.owner, cursor: page.nextCursor }) };
      const following = owners[owners.indexOf(position.owner) + 1];
      if (!following) return { items, nextCursor: null };
      position = { owner: following };
      if (items.length >= query.limit) return { items, nextCursor: encodeCursor(position) };
    }
  }

  @Get(':id')
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'channels',
    summary: 'One channel or group',
    ok: { status: 200, schema: 'Channel' },
    errors: [[404, 'Not found']],
  })
  get(@Param('id', IdParam) id: string, @Req() req: AuthedRequest) {
    return this.owners.resolve('channel', id, (owner) =>
      this.gateway.call(channelCommandsOf(owner).get, { id }, req),
    );
  }

  @Patch(':id')
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'channels',
    summary: 'Pause, resume or label a channel or group (JSON merge patch)',
    body: 'IntegrationPatchBody',
    ok: { status: 200, schema: 'Channel' },
    errors: [[404, 'Not found']],
  })
  update(
    @Param('id', IdParam) id: string,
    @Body(new SchemaPipe('integration-patch')) body: IntegrationPatchBody,
    @Req() req: AuthedRequest,
  ) {
    return this.owners.resolve('channel', id, (owner) =>
      this.gateway.call(channelCommandsOf(owner).update, { ...body, id }, req),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope(SCOPES.write)
  @Doc({
    tag: 'channels',
    summary: 'Detach a channel or group',
    ok: { status: 204, description: 'Removed' },
    errors: [[404, 'Not found']],
  })
  async remove(@Param('id', IdParam) id: string, @Req() req: AuthedRequest): Promise<void> {
    await this.owners.resolve('channel', id, (owner) =>
      this.gateway.call(channelCommandsOf(owner).remove, { id }, req),
    );
    await this.owners.forget('channel', id);
  }

  @Post(':id/send')
  @RequireScope(SCOPES.write)
  @SendRoute({ channelInParam: 'id' })
  @Doc({
    tag: 'channels',
    summary: 'Post to a channel or group',
    body: 'ChannelSendBody',
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
    @Body(new SchemaPipe('channel-send')) body: ChannelSendBody,
    @Headers('prefer') prefer: string | undefined,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.sendFlow.run(req, res, prefer, {
      send: (messageId, async, plan) =>
        this.owners.resolve(
          'channel',
          id,
          async (owner) => {
            // The guard recorded the message's owner when it knew the channel's; otherwise it is done here.
            if (owner !== plan?.owner) await this.owners.remember('message', messageId, owner);
            const data = { ...body, channelId: id, messageId, async };
            return this.gateway.call(channelCommandsOf(owner).send, data, req, { idempotencyKey: messageId });
          },
          plan?.owner,
        ),
    });
  }
}
