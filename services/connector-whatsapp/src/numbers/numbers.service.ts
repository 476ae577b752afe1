import {
  DomainError,
  type UserPurge,
  type WhatsAppNumber,
  type WhatsAppNumberConnectCommand,
  type WhatsAppNumberListCommand,
  type WhatsAppNumberPage,
  type WhatsAppNumberUpdateCommand,
} from '@integrations/contracts';
import { ensureActive } from '@integrations/connector-kit';
import { ownedOrNotFound, userPurge, type CommandCaller, type MessageContext } from '@integrations/messaging';
import type { Logger } from '@integrations/observability';
import type { OutboxEnvelope } from '@integrations/persistence';
import { keyedHash, rowContext, type SecretCipher } from '@integrations/secrets';
import { v7 as uuidv7 } from 'uuid';
import { toDomainError } from '../graph/errors';
import type { GraphClient } from '../graph/graph-client';
import { toNumber, type NumberRow, type NumberStore } from './numbers.repository';

/** The key the access tokens and app secrets are encrypted with (a SecretCipher key name of this service). */
export const WHATSAPP_KEY = 'whatsapp-numbers';
/** This service's name in `platform.user.purged`. */
const SERVICE_NAME = 'connector-whatsapp';
const QUALITY = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;

/** What a number's ciphertexts are bound to: the row, its owner, and which of the two secrets it is. */
export const secretContext = (id: string, userId: string, field: 'token' | 'secret'): string =>
  `${rowContext('whatsapp_numbers', id, userId)}#${field}`;

export interface NumbersDeps {
  store: NumberStore;
  cipher: SecretCipher;
  hashKey: string;
  graph: Pick<GraphClient, 'describeNumber' | 'subscribe' | 'forget'>;
  makeEnvelope: (type: string, data: unknown, ctx: MessageContext) => OutboxEnvelope;
  relay: { kick(): void };
  logger?: Logger;
  /** Where Meta reaches the webhook server; undefined: no callback URL is subscribed. */
  webhookBaseUrl: () => string | undefined;
}

/**
 * Connected numbers: connect (the token checked with Meta, token and app secret stored only encrypted, the
 * number's callback URL subscribed at Meta), list, get, pause/resume/label, remove, purge.
 */
export class NumbersService {
  constructor(private readonly deps: NumbersDeps) {}

  async connect(
    caller: CommandCaller,
    data: WhatsAppNumberConnectCommand,
    ctx: MessageContext,
  ): Promise<WhatsAppNumber> {
    const { store, graph } = this.deps;
    const token = data.accessToken.trim();
    if (await store.findByPhone(caller.userId, data.phoneNumberId))
      throw new DomainError('CONFLICT', 'This number is already connected.');
    let info;
    try {
      info = await graph.describeNumber(data.phoneNumberId, token);
    } catch (error) {
      throw toDomainError(error, 'connect');
    }
    const id = uuidv7();
    const [sealedToken, sealedSecret] = await Promise.all([
      this.deps.cipher.encrypt(WHATSAPP_KEY, token, secretContext(id, caller.userId, 'token')),
      this.deps.cipher.encrypt(WHATSAPP_KEY, data.appSecret, secretContext(id, caller.userId, 'secret')),
    ]);
    const webhook = await this.subscribe(id, data.phoneNumberId, token);
    const now = new Date();
    const row: NumberRow = {
      id,
      user_id: caller.userId,
      phone_number_id: data.phoneNumberId,
      display_phone_number: info.display_phone_number.slice(0, 32),
      verified_name: info.verified_name.slice(0, 256),
      quality_rating: QUALITY.find((q) => q === info.quality_rating) ?? 'UNKNOWN',
      access_token_enc: sealedToken.ciphertext,
      access_token_key_version: sealedToken.keyVersion,
      app_secret_enc: sealedSecret.ciphertext,
      app_secret_key_version: sealedSecret.keyVersion,
      status: 'active',
      is_active: 1,
      label: data.label?.trim() || null,
      webhook_url: webhook.url,
      last_error: webhook.error,
      created_at: now,
      updated_at: now,
    };
    const event = this.deps.makeEnvelope(
      'whatsapp.number.connected',
      {
        userId: caller.userId,
        numberId: id,
        phoneNumberId: row.phone_number_id,
        displayPhoneNumber: row.display_phone_number,
      },
      ctx,
    );
    if (!(await store.insert(row, event)))
      throw new DomainError('CONFLICT', 'This number is already connected.');
    this.deps.relay.kick();
    return toNumber(row);
  }

  list(caller: CommandCaller, data: WhatsAppNumberListCommand): Promise<WhatsAppNumberPage> {
    return this.deps.store.list(caller, data);
  }

  async get(caller: CommandCaller, id: string): Promise<WhatsAppNumber> {
    return toNumber(await this.find(caller, id));
  }

  /** The caller's number (any for an admin); another user's is a NOT_FOUND. */
  async find(caller: CommandCaller, id: string): Promise<NumberRow> {
    return ownedOrNotFound(await this.deps.store.find(id), caller, 'number', 'No such number.');
  }

  /** The owner's number, ready to send through: active (not paused) and its token not revoked. */
  async sendable(caller: CommandCaller, id: string): Promise<NumberRow> {
    const row = await this.find({ ...caller, admin: false }, id);
    ensureSendable(row);
    return row;
  }

  /** Pauses, resumes or labels a number; each real change is announced (`whatsapp.number.paused|resumed|updated`). */
  async update(
    caller: CommandCaller,
    data: WhatsAppNumberUpdateCommand,
    ctx: MessageContext,
  ): Promise<WhatsAppNumber> {
    const row = await this.find({ ...caller, admin: false }, data.id);
    const next = await this.deps.store.lifecycle(row, data, (type, eventData) =>
      this.deps.makeEnvelope(type, eventData, ctx),
    );
    this.deps.relay.kick();
    return toNumber(next);
  }

  /** Forgets the number with its token and secret; its webhooks are refused from then on. */
  async remove(caller: CommandCaller, id: string, ctx: MessageContext): Promise<Record<string, never>> {
    const row = await this.find({ ...caller, admin: false }, id);
    await this.deps.store.remove(
      row.id,
      this.deps.makeEnvelope('whatsapp.number.removed', { userId: row.user_id, numberId: row.id }, ctx),
    );
    this.deps.graph.forget(row.id);
    this.deps.relay.kick();
    return {};
  }

  /** A deleted platform user: each number removed as its owner would, then their messages. */
  async purgeUser(userId: string, ctx: MessageContext): Promise<UserPurge> {
    const owned = await this.deps.store.ownedBy(userId);
    for (const row of owned) await this.remove({ userId, admin: false }, row.id, ctx);
    let purge: UserPurge | undefined;
    await this.deps.store.purgeMessages(userId, (messages) => {
      purge = userPurge(SERVICE_NAME, userId, { numbers: owned.length, messages });
      return this.deps.makeEnvelope('platform.user.purged', purge, ctx);
    });
    this.deps.relay.kick();
    return purge!;
  }

  /** The decrypted access token of a number. Never logged. */
  tokenOf(row: Pick<NumberRow, 'id' | 'user_id' | 'access_token_enc'>): Promise<string> {
    return this.deps.cipher.decrypt(
      WHATSAPP_KEY,
      row.access_token_enc,
      secretContext(row.id, row.user_id, 'token'),
    );
  }

  /** The decrypted app secret of a number (what Meta signs its webhooks with). Never logged. */
  appSecretOf(row: Pick<NumberRow, 'id' | 'user_id' | 'app_secret_enc'>): Promise<string> {
    return this.deps.cipher.decrypt(
      WHATSAPP_KEY,
      row.app_secret_enc,
      secretContext(row.id, row.user_id, 'secret'),
    );
  }

  /** The verify token of a number's callback URL: derived, so nothing is stored and only we can make it. */
  verifyTokenOf(id: string): string {
    return keyedHash(this.deps.hashKey, `whatsapp-verify/${id}`);
  }

  async markRevoked(row: NumberRow): Promise<void> {
    await this.deps.store.markRevoked(row.id, 'Meta no longer accepts the access token.');
    this.deps.graph.forget(row.id);
  }

  /**
   * Tells Meta the number's callback URL (its per-number override); Meta checks it with the handshake GET first.
   * A failure is kept as the number's `lastError`: sending works without webhooks, delivery states do not.
   */
  private async subscribe(
    id: string,
    phoneNumberId: string,
    token: string,
  ): Promise<{ url: string | null; error: string | null }> {
    const base = this.deps.webhookBaseUrl();
    if (!base) return { url: null, error: null };
    const url = `${base}/whatsapp/webhooks/${id}`;
    try {
      await this.deps.graph.subscribe(phoneNumberId, token, url, this.verifyTokenOf(id));
      return { url, error: null };
    } catch (error) {
      this.deps.logger?.warn('subscribing the callback URL failed', { numberId: id, error });
      return {
        url: null,
        error: `The callback URL could not be subscribed at Meta: ${toDomainError(error, 'connect').message}`,
      };
    }
  }
}

/** Paused numbers refuse sends (409 INTEGRATION_PAUSED); a revoked token is WHATSAPP_TOKEN_INVALID. */
export function ensureSendable(row: NumberRow): void {
  ensureActive(row, 'number');
  if (row.status === 'revoked')
    throw new DomainError(
      'WHATSAPP_TOKEN_INVALID',
      'Meta no longer accepts the access token; connect the number again.',
    );
}
