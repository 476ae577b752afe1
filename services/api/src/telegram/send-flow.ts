import { Injectable } from '@nestjs/common';
import type { Message, WhatsAppMessage } from '@integrations/contracts';
import type { Response } from 'express';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import type { AuthedRequest } from '../auth/auth.guard';
import { prefersAsync, respond } from '../http/respond';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ResourceOwners, type Owner } from './resource-owner';
import { SendableResources } from './sendable';

/**
 * What the rate-limit guard prepared for a send route in its one Redis round trip: the message id, and the owner
 * it recorded for the message (for a channel, copied from the channel's owner record when there was one).
 */
export interface SendPlan {
  messageId: string;
  owner?: Owner;
  /** The message's owner record is written (the guard's count went to Redis and took it along). */
  recorded: boolean;
}

/** What a send route does besides naming its command: the message id, the owner, idempotency, async. */
export interface SendTarget {
  /** The connector that will own the message, when the route already knows it. */
  owner?: Owner;
  /** Sends the command with the message id the flow made; answers the connector's message. */
  send(messageId: string, async: boolean, plan: SendPlan | undefined): Promise<Message | WhatsAppMessage>;
  /**
   * A route whose connector records a refused fire-and-forget send as a failed message (the bot connector does)
   * offers this: an async send through a resource the connector has just accepted sends for (see
   * `SendableResources`) is then accepted with one confirmed publish of the same command.
   */
  detached?: { resource: string; chatId: string; publish(messageId: string): Promise<void> };
}

/** The namespace of message ids derived from an Idempotency-Key (any fixed UUID; never change it). */
const KEYED_MESSAGES = '5b0f3c1e-8a57-4d2b-9c1e-6f2a7d4e9b10';

/**
 * The message id is the connector's deduplication key. With an Idempotency-Key it is derived from the user, the
 * route and the key, so a retry after an answer that never arrived (a 504 while the broker was gone, whose
 * command was delivered once it came back) names the same message and is not sent a second time. Without one,
 * a fresh UUIDv7.
 */
export function messageIdFor(req: AuthedRequest): string {
  const key = req.header('idempotency-key');
  if (key === undefined) return uuidv7();
  return uuidv5(`${req.principal.sub}\n${req.method} ${req.path}\n${key}`, KEYED_MESSAGES);
}

/**
 * One send, the same for bots, channels, accounts and WhatsApp numbers: its message id (see `messageIdFor`), its owner remembered
 * for `GET /messages/{id}`, the Idempotency-Key replay, and `Prefer: respond-async` answered 202 with a Location.
 */
@Injectable()
export class SendFlow {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly owners: ResourceOwners,
    private readonly sendable: SendableResources,
  ) {}

  async run(
    req: AuthedRequest,
    res: Response,
    prefer: string | undefined,
    target: SendTarget,
  ): Promise<unknown> {
    const result = await this.idempotency.run(req, async () => {
      const plan = (req as AuthedRequest & { sendPlan?: SendPlan }).sendPlan;
      const messageId = plan?.messageId ?? messageIdFor(req);
      const async = prefersAsync(prefer);
      // The owner record is written while the command travels, and is in place before the answer. It only saves a
      // later `GET` from asking each connector in turn, so a failed write does not fail a send that went out.
      const remembered =
        target.owner && !plan?.recorded
          ? this.owners.remember('message', messageId, target.owner).catch(() => undefined)
          : undefined;
      const message = await this.sendOrPublish(req.principal.sub, target, messageId, async, plan);
      await remembered;
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

  private async sendOrPublish(
    userId: string,
    target: SendTarget,
    messageId: string,
    async: boolean,
    plan: SendPlan | undefined,
  ): Promise<Message | WhatsAppMessage> {
    const { detached } = target;
    if (async && detached && this.sendable.isSendable(userId, detached.resource)) {
      // The marker lets `GET /messages/{id}` answer `queued` until the connector has the row; it is written while
      // the command is being confirmed, and is no reason to refuse a send the broker has taken.
      const marked = this.owners
        .markQueued(messageId, { userId, chatId: detached.chatId, at: Date.now() })
        .then(
          () => true,
          () => false,
        );
      try {
        await detached.publish(messageId);
      } catch (error) {
        // Not published (the broker is away): no `queued` to answer for a message that will never come.
        if (await marked) await this.owners.forgetQueued(messageId).catch(() => undefined);
        throw error;
      }
      // Accepted once the broker confirmed the command; without the marker, GET answers 404 until it is stored.
      await marked;
      return { id: messageId, status: 'queued', chatId: detached.chatId };
    }
    const message = await target.send(messageId, async, plan);
    // The connector took a send through it for this user: the next async one may be published directly.
    if (detached && message.status !== 'failed') this.sendable.learn(userId, detached.resource);
    return message;
  }
}
