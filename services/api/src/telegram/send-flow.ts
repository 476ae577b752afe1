import { Injectable } from '@nestjs/common';
import type { Message } from '@integrations/contracts';
import type { Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import type { AuthedRequest } from '../auth/auth.guard';
import { prefersAsync, respond } from '../http/respond';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ResourceOwners, type Owner } from './resource-owner';

/** What a send route does besides naming its command: the message id, the owner, idempotency, async. */
export interface SendTarget {
  /** The connector that will own the message, when the route already knows it. */
  owner?: Owner;
  /** Sends the command with the message id the flow made; answers the connector's Message. */
  send(messageId: string, async: boolean): Promise<Message>;
}

/**
 * One send, the same for bots, channels and accounts: a fresh UUIDv7 message id (the connector's deduplication
 * key), its owner remembered for `GET /messages/{id}`, the Idempotency-Key replay, and `Prefer: respond-async`
 * answered 202 with a Location.
 */
@Injectable()
export class SendFlow {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly owners: ResourceOwners,
  ) {}

  async run(
    req: AuthedRequest,
    res: Response,
    prefer: string | undefined,
    target: SendTarget,
  ): Promise<unknown> {
    const result = await this.idempotency.run(req, async () => {
      const messageId = uuidv7();
      const async = prefersAsync(prefer);
      if (target.owner) await this.owners.remember('message', messageId, target.owner);
      const message = await target.send(messageId, async);
      if (!async) return { status: 200, body: message };
      return {
        status: 202,
        body: message,
        headers: {
          Location: `/api/integrations/messages/${message.id}`,
          'Preference-Applied': 'respond-async',
        },
      };
    });
    return respond(res, result);
  }
}
