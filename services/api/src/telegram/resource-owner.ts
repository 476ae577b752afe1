import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@integrations/contracts';
import type { Redis } from 'ioredis';
import type { ApiConfig } from '../config';
import { TOKENS } from '../tokens';

export type Owner = 'bot' | 'account';

/**
 * Channels and messages live in the connector that made them (bot or account). The api remembers which one
 * for each id it has seen, so a later read goes straight to the owner; an unknown id is asked of both.
 */
@Injectable()
export class ResourceOwners {
  constructor(
    @Inject(TOKENS.redis) private readonly redis: Redis,
    @Inject(TOKENS.config) private readonly config: ApiConfig,
  ) {}

  private key(kind: 'channel' | 'message', id: string) {
    return `${this.config.redisPrefix}owner:${kind}:${id}`;
  }

  async remember(kind: 'channel' | 'message', id: string, owner: Owner): Promise<void> {
    await this.redis.set(this.key(kind, id), owner, 'EX', 30 * 24 * 3600);
  }

  async forget(kind: 'channel' | 'message', id: string): Promise<void> {
    await this.redis.del(this.key(kind, id));
  }

  /** Runs `attempt` against the remembered owner, or against bot then account until one does not answer 404. */
  async resolve<T>(
    kind: 'channel' | 'message',
    id: string,
    attempt: (owner: Owner) => Promise<T>,
  ): Promise<T> {
    const known = (await this.redis.get(this.key(kind, id))) as Owner | null;
    if (known) return attempt(known);
    const owners = (['bot', 'account'] as const).filter((o) => this.config.connectors.has(o));
    for (const [i, owner] of owners.entries()) {
      try {
        const result = await attempt(owner);
        await this.remember(kind, id, owner);
        return result;
      } catch (error) {
        const last = i === owners.length - 1;
        if (last || !(error instanceof DomainError) || error.code !== 'NOT_FOUND') throw error;
      }
    }
    throw new DomainError('NOT_FOUND', 'No such resource.');
  }
}
