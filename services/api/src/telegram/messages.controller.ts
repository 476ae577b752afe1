import { Controller, Get, Param, Req } from '@nestjs/common';
import { DomainError } from '@integrations/contracts';
import { type AuthedRequest, RequireScope } from '../auth/auth.guard';
import { SCOPES } from '../auth/token-verifier';
import { CommandGateway } from '../gateway/command-gateway';
import { Doc } from '../http/docs';
import { IdParam } from '../http/schema.pipe';
import { CONNECTORS } from '../platforms/registry';
import { ResourceOwners } from './resource-owner';

@Controller('api/integrations/messages')
export class MessagesController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly owners: ResourceOwners,
  ) {}

  @Get(':id')
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'messages',
    summary: 'The status of a sent or queued message',
    // Each platform's message resource: Telegram's, or WhatsApp's with its delivery states.
    ok: { status: 200, schema: ['Message', 'WhatsAppMessage'] },
    errors: [[404, 'Not found']],
  })
  async get(@Param('id', IdParam) id: string, @Req() req: AuthedRequest) {
    try {
      return await this.owners.resolve('message', id, (owner) =>
        this.gateway.call(CONNECTORS[owner].commands.messageGet, { id }, req),
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'NOT_FOUND') throw error;
      // Accepted by the api with a publish alone, and its connector has not stored it yet.
      const queued = await this.owners.queued(id);
      if (!queued || (queued.userId !== req.principal.sub && !req.principal.admin)) throw error;
      return { id, status: 'queued', chatId: queued.chatId };
    }
  }
}
