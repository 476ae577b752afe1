import { Controller, Get, Query, Req } from '@nestjs/common';
import type { LogsQuery } from '@integrations/contracts';
import { type AuthedRequest, RequireScope } from '../auth/auth.guard';
import { SCOPES } from '../auth/token-verifier';
import { CommandGateway } from '../gateway/command-gateway';
import { Doc } from '../http/docs';
import { SchemaPipe } from '../http/schema.pipe';

@Controller('api/integrations/logs')
export class LogsController {
  constructor(private readonly gateway: CommandGateway) {}

  @Get()
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'audit',
    summary: "The audit log: the caller's own entries (everyone's with integrations:admin)",
    ok: { status: 200, schema: 'LogEntryPage' },
  })
  list(@Query(new SchemaPipe('logs-query', { coerce: true })) query: LogsQuery, @Req() req: AuthedRequest) {
    return this.gateway.call('audit.logs.query', query, req);
  }
}
