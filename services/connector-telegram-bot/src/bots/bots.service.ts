import type {
  Bot,
  BotPage,
  TelegramBotConnectCommand,
  TelegramBotListCommand,
  TelegramBotUpdateCommand,
  UserPurge,
} from '@integrations/contracts';
import { DomainError } from '@integrations/contracts';
import { userPurge, type MessageContext, type Messaging } from '@integrations/messaging';
import type { OutboxRelay } from '@integrations/persistence';
import { KEY_NAMES, keyedHash, rowContext, type SecretCipher } from '@integrations/secrets';
import { randomBytes } from 'node:crypto';
import type { Logger } from '@integrations/observability';
import { v7 as uuidv7 } from 'uuid';
import type { Channels } from '../channels/channels.repository';
import type { UserMessages } from '../messages/messages.ledger';
import type { BotApiFactory } from '../telegram/bot-api';
import { toDomainError } from '../telegram/errors';
import { type Bots, type Caller, findBot, toBot, type BotRow } from './bots.repository';

/** This service's name in `platform.user.purged`, which each service holding user data publishes. */
const SERVICE_NAME = 'connector-telegram-bot';

export class BotsService {
  private readonly options: { publicBaseUrl?: string; logger?: Logger };

  constructor(
    private readonly deps: {
      bots: Bots;
      channels: Pick<Channels, 'countOwnedBy'>;
      messages: UserMessages;
      cipher: SecretCipher;
      /** The HMAC key of token and webhook-secret hashes (`hashKeyFromEnv`). */
      hashKey: string;
      apis: Pick<BotApiFactory, 'unstored' | 'forget'>;
      messaging: Pick<Messaging, 'makeEnvelope'>;
      relay: Pick<OutboxRelay, 'kick'>;
      options?: { publicBaseUrl?: string; logger?: Logger };
    },
  ) {
    this.options = deps.options ?? {};
  }

  /** Verifies the token with getMe, stores it encrypted, and announces the bot. */
  async connect(caller: Caller, data: TelegramBotConnectCommand, ctx: MessageContext): Promise<Bot> {
    const token = data.token.trim();
    if (!/^\d{3,20}:[A-Za-z0-9_-]{20,100}$/.test(token)) {
      throw new DomainError(
        'TELEGRAM_TOKEN_INVALID',
        'This is not a bot token (it looks like 123456:ABC-DEF...).',
      );
    }
    const hash = keyedHash(this.deps.hashKey, token);
    if (await this.deps.bots.idByTokenHash(caller.userId, hash))
      throw new DomainError('CONFLICT', 'This bot is already connected.');

    let me;
    try {
      me = await this.deps.apis.unstored(token).getMe();
    } catch (error) {
      throw toDomainError(error, 'connect');
    }
    const now = new Date();
    const id = uuidv7();
    // Bound to this row and its owner: copied into another row, the ciphertext does not decrypt.
    const sealed = await this.deps.cipher.encrypt(KEY_NAMES.bots, token, botTokenContext(id, caller.userId));
    const webhook = await this.setWebhook(id, token);
    const row: BotRow = {
      id,
      user_id: caller.userId,
      telegram_bot_id: String(me.id),
      username: me.username,
      first_name: me.first_name,
      bot_token_enc: sealed.ciphertext,
      bot_token_key_version: sealed.keyVersion,
      bot_token_hash: hash,
      status: 'active',
      is_active: 1,
      label: null,
      updates_mode: webhook ? 'webhook' : 'polling',
      updates_offset: '0',
      webhook_secret_hash: webhook?.secretHash ?? null,
      last_error: null,
      last_seen_at: now,
      created_at: now,
      updated_at: now,
    };
    const connected = this.deps.messaging.makeEnvelope(
      'telegram.bot.connected',
      {
        userId: caller.userId,
        botId: row.id,
        telegramBotId: row.telegram_bot_id,
        username: row.username,
      },
      ctx,
    );
    if (!(await this.deps.bots.insert(row, [connected])))
      throw new DomainError('CONFLICT', 'This bot is already connected.');
    this.deps.relay.kick();
    return toBot(row);
  }

  /**
   * With a public base URL, Telegram posts updates to the api (which forwards them here) with a secret_token of
   * ours; without one, or if Telegram refuses the URL, the bot is long-polled instead.
   */
  private async setWebhook(botId: string, token: string): Promise<{ secretHash: string } | undefined> {
    if (!this.options.publicBaseUrl) return undefined;
    const secret = randomBytes(32).toString('base64url');
    try {
      await this.deps.apis
        .unstored(token)
        .setWebhook(`${this.options.publicBaseUrl}/api/integrations/telegram/webhooks/bot/${botId}`, {
          secret_token: secret,
          allowed_updates: ['message', 'channel_post'],
        });
      return { secretHash: keyedHash(this.deps.hashKey, secret) };
    } catch (error) {
      this.options.logger?.warn('setWebhook failed; the bot is long-polled instead', { botId, error });
      return undefined;
    }
  }

  async list(caller: Caller, data: TelegramBotListCommand): Promise<BotPage> {
    return this.deps.bots.list(caller, data, toBot, {
      status: data.status,
      isActive: data.isActive,
      search: data.q ? { text: data.q, columns: ['username', 'first_name'] } : undefined,
    });
  }

  async get(caller: Caller, id: string): Promise<Bot> {
    return toBot(await findBot(this.deps.bots, caller, id));
  }

  /**
   * Pauses, resumes or names a bot. Pausing stops its updates: the poller skips paused bots, and a webhook we
   * set is deleted at Telegram (resuming sets a new one, or polls). The token stays stored, so resuming needs no
   * new connect. Each real change is announced (`telegram.bot.paused|resumed|updated`) with the row's update.
   */
  async update(caller: Caller, data: TelegramBotUpdateCommand, ctx: MessageContext): Promise<Bot> {
    const row = await findBot(this.deps.bots, { ...caller, admin: false }, data.id);
    const { row: next } = await this.deps.bots.lifecycle({
      row,
      patch: data,
      eventPrefix: 'telegram.bot',
      eventData: { userId: row.user_id, botId: row.id },
      makeEnvelope: (type, eventData) => this.deps.messaging.makeEnvelope(type, eventData, ctx),
      sideEffects: async (verbs): Promise<Partial<BotRow>> => {
        if (verbs.includes('paused') && row.updates_mode === 'webhook') {
          try {
            await this.deps.apis.unstored(await this.tokenOf(row)).deleteWebhook();
          } catch (error) {
            // The secret is forgotten below, so whatever Telegram still posts is refused.
            this.options.logger?.warn('deleteWebhook of a paused bot failed', { botId: row.id, error });
          }
          return { updates_mode: 'polling', webhook_secret_hash: null };
        }
        if (verbs.includes('resumed') && this.options.publicBaseUrl) {
          const webhook = await this.setWebhook(row.id, await this.tokenOf(row));
          if (webhook) return { updates_mode: 'webhook', webhook_secret_hash: webhook.secretHash };
        }
        return {};
      },
    });
    this.deps.relay.kick();
    return toBot(next);
  }

  /**
   * Deletes the webhook at Telegram (best effort), then the row with its channels and token. Each channel is
   * announced as removed too, so lists, audit and webhooks follow without knowing that channels hang off bots.
   */
  async remove(caller: Caller, id: string, ctx: MessageContext): Promise<Record<string, never>> {
    const row = await findBot(this.deps.bots, caller, id);
    try {
      const token = await this.tokenOf(row);
      await this.deps.apis.unstored(token).deleteWebhook();
    } catch {
      // A revoked token or an unreachable Telegram must not keep the user from removing the bot.
    }
    await this.deps.bots.remove(row.id, (channelIds) => [
      ...channelIds.map((channelId) =>
        this.deps.messaging.makeEnvelope('telegram.channel.removed', { userId: row.user_id, channelId }, ctx),
      ),
      this.deps.messaging.makeEnvelope('telegram.bot.removed', { userId: row.user_id, botId: row.id }, ctx),
    ]);
    this.deps.apis.forget(row.id);
    this.deps.relay.kick();
    return {};
  }

  /**
   * A deleted platform user: each bot is removed as its owner would (webhook deleted at Telegram, channels and
   * token gone, each announced), then their messages, queued ones included, so nothing more is sent for them.
   * A repeat finds nothing and answers zeros.
   */
  async purgeUser(userId: string, ctx: MessageContext): Promise<UserPurge> {
    const owned = await this.deps.bots.idsOwnedBy(userId);
    const channels = await this.deps.channels.countOwnedBy(userId);
    for (const botId of owned) await this.remove({ userId, admin: false }, botId, ctx);
    const counts = { bots: owned.length, channels };
    let purge = userPurge(SERVICE_NAME, userId, { ...counts, messages: 0 });
    await this.deps.messages.deleteOfUser(userId, (deleted) => {
      purge = userPurge(SERVICE_NAME, userId, { ...counts, messages: deleted });
      return this.deps.messaging.makeEnvelope('platform.user.purged', purge, ctx);
    });
    this.deps.relay.kick();
    return purge;
  }

  /** The decrypted token of an owned bot, for the senders and the poller. Never logged. */
  async tokenOf(row: Pick<BotRow, 'id' | 'user_id' | 'bot_token_enc'>): Promise<string> {
    return this.deps.cipher.decrypt(KEY_NAMES.bots, row.bot_token_enc, botTokenContext(row.id, row.user_id));
  }

  async markRevoked(row: BotRow): Promise<void> {
    await this.deps.bots.markRevoked(row.id);
    this.deps.apis.forget(row.id);
  }
}

/** What a bot token's ciphertext is bound to: its row and its owner. */
export function botTokenContext(id: string, userId: string): string {
  return rowContext('telegram_bots', id, userId);
}
