import { Controller, Get, Param, Req } from '@nestjs/common';
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
  get(@Param('id', IdParam) id: string, @Req() req: AuthedRequest) {
    return this.owners.resolve('message', id, (owner) =>
      this.gateway.call(CONNECTORS[owner].commands.messageGet, { id }, req),
    );
  }
}
