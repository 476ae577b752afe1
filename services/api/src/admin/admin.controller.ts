import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { KeyRotateBody, KeyRotation } from '@integrations/contracts';
import { type AuthedRequest, RequireScope } from '../auth/auth.guard';
import { SCOPES } from '../auth/token-verifier';
import type { ApiConfig } from '../config';
import { CommandGateway } from '../gateway/command-gateway';
import { Doc } from '../http/docs';
import { SchemaPipe } from '../http/schema.pipe';
import { TOKENS } from '../tokens';

@Controller('api/integrations/admin')
export class AdminController {
  constructor(
    private readonly gateway: CommandGateway,
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
  })
  async rotate(
    @Body(new SchemaPipe('key-rotate')) body: KeyRotateBody,
    @Req() req: AuthedRequest,
  ): Promise<{ rotations: KeyRotation[] }> {
    const wanted = (key: KeyRotation['keyName']) => !body.keyName || body.keyName === key;
    const rotations: KeyRotation[] = [];
    if (wanted('telegram-bots') && this.config.connectors.has('bot'))
      rotations.push(await this.gateway.call('telegram.bot.keys.rotate', {}, req));
    if (wanted('integration-webhooks'))
      rotations.push(await this.gateway.call('webhooks.keys.rotate', {}, req));
    // telegram-sessions belongs to the account connector, which rotates its own key when it is deployed.
    return { rotations };
  }
}
