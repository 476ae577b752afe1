import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { DomainError, type KeyRotateBody, type KeyRotation } from '@integrations/contracts';
import { type AuthedRequest, RequireScope } from '../auth/auth.guard';
import { SCOPES } from '../auth/token-verifier';
import type { ApiConfig } from '../config';
import { CommandGateway } from '../gateway/command-gateway';
import { Doc } from '../http/docs';
import { SchemaPipe } from '../http/schema.pipe';
import { CONNECTOR_NAMES, hasKeys, keysOf, type KeyedConnectorName } from '../platforms/registry';
import { ResourceOwners } from '../telegram/resource-owner';
import { TOKENS } from '../tokens';

type ConnectorKeys = ReturnType<typeof keysOf>;
type KeyRotateCommand = ConnectorKeys['rotate'] | 'webhooks.keys.rotate';

@Controller('api/integrations/admin')
export class AdminController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly owners: ResourceOwners,
    @Inject(TOKENS.config) private readonly config: ApiConfig,
  ) {}

  /**
   * A new key version now (new writes use it, old rows keep decrypting), then a low-priority rewrap of every
   * row in the owning connector; progress is in its metrics and the audit log (`security.key.*`).
   */
  @Post('keys/rotate')
  @HttpCode(202)
  @RequireScope(SCOPES.admin)
  @Doc({
    tag: 'admin',
    summary: 'Rotate encryption keys (one, or every key when none is named) and rewrap every row',
    body: 'KeyRotateBody',
    ok: { status: 202, description: 'Rotated; the rewrap runs in the background' },
    errors: [[422, 'The key belongs to a connector this deployment does not run']],
  })
  async rotate(
    @Body(new SchemaPipe('key-rotate')) body: KeyRotateBody,
    @Req() req: AuthedRequest,
  ): Promise<{ rotations: KeyRotation[] }> {
    // Each key belongs to the service that encrypts with it; a key whose service is not deployed is not ours.
    const owners: Record<KeyRotation['keyName'], { deployed: boolean; command: KeyRotateCommand }> = {
      ...(Object.fromEntries(
        CONNECTOR_NAMES.filter(hasKeys).map((name: KeyedConnectorName) => {
          const keys = keysOf(name);
          return [keys.keyName, { deployed: this.config.connectors.has(name), command: keys.rotate }];
        }),
      ) as Record<ConnectorKeys['keyName'], { deployed: boolean; command: KeyRotateCommand }>),
      'integration-webhooks': { deployed: true, command: 'webhooks.keys.rotate' },
    };
    if (body.keyName && !owners[body.keyName].deployed) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `The key ${body.keyName} belongs to a connector this deployment does not run; nothing was rotated.`,
        { errors: [{ path: '/keyName', message: 'is not a key of this deployment' }] },
      );
    }
    const rotations: KeyRotation[] = [];
    for (const [keyName, owner] of Object.entries(owners) as [
      KeyRotation['keyName'],
      (typeof owners)[KeyRotation['keyName']],
    ][]) {
      if (owner.deployed && (!body.keyName || body.keyName === keyName))
        rotations.push(await this.gateway.call(owner.command, {}, req));
    }
    return { rotations };
  }

  /**
   * The platform deleted a user: every service purges what it holds of them (sessions logged out at Telegram,
   * webhooks removed, rows deleted) and announces `platform.user.purged` (with its name); audit-log keeps one `user_purged`
   * entry. The same as the User Service publishing `platform.user.deleted`; repeating it is harmless.
   */
  @Delete('users/:userId')
  @HttpCode(202)
  @RequireScope(SCOPES.admin)
  @Doc({
    tag: 'admin',
    summary:
      'Purge a deleted platform user everywhere (each service announces its part as platform.user.purged)',
    ok: { status: 202, description: 'Sent to every service; each announces platform.user.purged' },
    errors: [[422, 'Not a user id']],
  })
  async purgeUser(
    @Param('userId') userId: string,
    @Req() req: AuthedRequest,
  ): Promise<{ userId: string; status: 'purging' }> {
    await this.gateway.send('platform.user.deleted', { userId }, req, { userId });
    // Sends the api accepted for them without their connector are purged with the rest.
    await this.owners.markPurged(userId);
    return { userId, status: 'purging' };
  }
}
