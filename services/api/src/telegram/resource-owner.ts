import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@integrations/contracts';
import type { Redis } from 'ioredis';
import type { ApiConfig } from '../config';
import {
  type ChannelConnectorName,
  type ConnectorName,
  deployed,
  hasChannels,
  isConnectorName,
} from '../platforms/registry';
import { TOKENS } from '../tokens';

export type Owner = ConnectorName;
export type OwnedKind = 'channel' | 'message';
/** Who may own an id of a kind: any connector a message, a connector with channels a channel. */
export type OwnerOf<K extends OwnedKind> = K extends 'channel' ? ChannelConnectorName : ConnectorName;

const ownsKind = <K extends OwnedKind>(kind: K, name: ConnectorName): name is OwnerOf<K> =>
  kind === 'message' || hasChannels(name);

/** How long the api remembers which connector owns a channel or message. */
export const OWNER_TTL_S = 30 * 24 * 3600;

export const ownerKey = (prefix: string, kind: 'channel' | 'message', id: string) =>
  `${prefix}owner:${kind}:${id}`;

/**
 * How long a message accepted by the api alone (published, not yet stored by its connector) answers `queued`: longer
 * than a connector outage the broker holds its command through, shorter than any message retention.
 */
export const QUEUED_TTL_S = 24 * 3600;

/** A message the api accepted with a publish alone: whose it is and where it goes, until its connector has it. */
export interface QueuedMessage {
  userId: string;
  chatId: string;
  /** When it was accepted (ms since the epoch): a purge of its user after that forgets it. */
  at: number;
}

/**
 * Channels and messages live in the connector that made them (see the registry). The api remembers which one
 * for each id it has seen, so a later read goes straight to the owner; an unknown id is asked of each deployed
 * connector in registry order.
 */
@Injectable()
export class ResourceOwners {
  constructor(
    @Inject(TOKENS.redis) private readonly redis: Redis,
    @Inject(TOKENS.config) private readonly config: ApiConfig,
  ) {}

  private key(kind: 'channel' | 'message', id: string) {
    return ownerKey(this.config.redisPrefix, kind, id);
  }

  async remember(kind: 'channel' | 'message', id: string, owner: Owner): Promise<void> {
    await this.redis.set(this.key(kind, id), owner, 'EX', OWNER_TTL_S);
  }

  async forget(kind: 'channel' | 'message', id: string): Promise<void> {
    await this.redis.del(this.key(kind, id));
  }

  /**
   * Runs `attempt` against the owner (`known`, else the remembered one), or against each deployed connector until
   * one does not answer 404.
   */
  async resolve<K extends OwnedKind, T>(
    kind: K,
    id: string,
    attempt: (owner: OwnerOf<K>) => Promise<T>,
    known?: Owner,
  ): Promise<T> {
    const remembered = known ?? (await this.redis.get(this.key(kind, id)));
    if (isConnectorName(remembered) && ownsKind(kind, remembered)) return attempt(remembered);
    const owners = deployed(this.config.connectors).filter((name) => ownsKind(kind, name));
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

  async markQueued(messageId: string, message: QueuedMessage): Promise<void> {
    await this.redis.set(this.queuedKey(messageId), JSON.stringify(message), 'EX', QUEUED_TTL_S);
  }

  /**
   * The message as the api accepted it, if it did so without its connector (see `markQueued`) and its user was not
   * purged since: a purge deletes every message of the user, queued ones included.
   */
  async queued(messageId: string): Promise<QueuedMessage | undefined> {
    const raw = await this.redis.get(this.queuedKey(messageId));
    if (!raw) return undefined;
    const queued = JSON.parse(raw) as QueuedMessage;
    const purgedAt = Number(await this.redis.get(this.purgedKey(queued.userId)));
    return purgedAt >= queued.at ? undefined : queued;
  }

  /** A user purged now: the messages the api accepted for them alone are gone too. */
  async markPurged(userId: string): Promise<void> {
    await this.redis.set(this.purgedKey(userId), String(Date.now()), 'EX', QUEUED_TTL_S);
  }

  async forgetQueued(messageId: string): Promise<void> {
    await this.redis.del(this.queuedKey(messageId));
  }

  private purgedKey(userId: string) {
    return `${this.config.redisPrefix}purged:user:${userId}`;
  }

  private queuedKey(messageId: string) {
    return `${this.config.redisPrefix}queued:message:${messageId}`;
  }
}
