import type { TelegramBotWebhookCommand } from '@integrations/contracts';
import { DomainError } from '@integrations/contracts';
import type { Messaging } from '@integrations/messaging';
import { enqueueOutbox, type Kysely, type OutboxRelay } from '@integrations/persistence';
import { keyedHash } from '@integrations/secrets';
import type { Update } from 'grammy/types';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BotDatabase } from '../db/schema';
import { receivedData } from './poller';

/**
 * Updates Telegram posted to the api's webhook endpoint. The secret_token is compared with the stored keyed hash
 * in constant time; a wrong one is refused before anything is read. Each message becomes
 * `telegram.message.received` for every platform user who connected the bot, with an event id derived from the
 * update, so Telegram's redelivery of the same update publishes nothing twice.
 */
export class WebhookReceiver {
  constructor(
    private readonly deps: {
      db: Kysely<BotDatabase>;
      hashKey: string;
      messaging: Messaging;
      relay: OutboxRelay;
    },
  ) {}

  async receive(data: TelegramBotWebhookCommand): Promise<Record<string, never>> {
    const { db } = this.deps;
    const bot = await db
      .selectFrom('telegram_bots')
      .selectAll()
      .where('id', '=', data.botId)
      .executeTakeFirst();
    const presented = Buffer.from(keyedHash(this.deps.hashKey, data.secretToken), 'hex');
    const stored = Buffer.from(bot?.webhook_secret_hash ?? '0'.repeat(64), 'hex');
    const valid =
      timingSafeEqual(presented, stored) && bot?.updates_mode === 'webhook' && bot.status === 'active';
    if (!bot || !valid) throw new DomainError('UNAUTHORIZED', 'The webhook secret does not match.');

    const update = data.update as unknown as Update;
    const message = update.message ?? update.channel_post;
    if (!message) return {};
    const owners = await db
      .selectFrom('telegram_bots')
      .select(['id', 'user_id'])
      .where('telegram_bot_id', '=', bot.telegram_bot_id)
      .where('status', '=', 'active')
      .execute();
    await db.transaction().execute(async (trx) => {
      for (const owner of owners) {
        const envelope = this.deps.messaging.makeEnvelope(
          'telegram.message.received',
          receivedData(owner, message),
          { userId: owner.user_id },
        );
        envelope.id = `tg-${createHash('sha256').update(`${owner.id}:${update.update_id}`).digest('hex').slice(0, 40)}`;
        const seen = await trx
          .selectFrom('outbox')
          .select('id')
          .where('event_id', '=', envelope.id)
          .executeTakeFirst();
        if (!seen) await enqueueOutbox(trx, envelope);
      }
      await trx
        .updateTable('telegram_bots')
        .set({ last_seen_at: new Date() })
        .where('telegram_bot_id', '=', bot.telegram_bot_id)
        .execute();
    });
    this.deps.relay.kick();
    return {};
  }
}
