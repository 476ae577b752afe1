import { Controller, Get, Query, Req } from '@nestjs/common';
import type { StatsQuery } from '@integrations/contracts';
import { type AuthedRequest, RequireScope } from '../auth/auth.guard';
import { SCOPES } from '../auth/token-verifier';
import { CommandGateway } from '../gateway/command-gateway';
import { Doc } from '../http/docs';
import { SchemaPipe } from '../http/schema.pipe';

/** Counts for the web UI's charts; the audit-log computes them from the trail it already keeps. */
@Controller('api/integrations/stats')
export class StatsController {
  constructor(private readonly gateway: CommandGateway) {}

  @Get('messages')
  @RequireScope(SCOPES.read)
  @Doc({
    tag: 'audit',
    summary: "Messages sent, failed and received per UTC day and integration type (the caller's own)",
    ok: { status: 200, schema: 'MessageStats' },
  })
  messages(
    @Query(new SchemaPipe('stats-query', { coerce: true })) query: StatsQuery,
    @Req() req: AuthedRequest,
  ) {
    return this.gateway.call('audit.stats.query', { days: query.days }, req);
  }
}
