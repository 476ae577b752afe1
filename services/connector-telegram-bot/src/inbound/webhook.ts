import type { TelegramBotWebhookCommand } from '@integrations/contracts';
import { DomainError } from '@integrations/contracts';
import type { Messaging } from '@integrations/messaging';
import type { OutboxRelay } from '@integrations/persistence';
import { keyedHash } from '@integrations/secrets';
import type { Update } from 'grammy/types';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Bots } from '../bots/bots.repository';
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
      bots: Pick<Bots, 'byId' | 'activeOwners' | 'received'>;
      hashKey: string;
      messaging: Pick<Messaging, 'makeEnvelope'>;
      relay: Pick<OutboxRelay, 'kick'>;
    },
  ) {}

  async receive(data: TelegramBotWebhookCommand): Promise<Record<string, never>> {
    const { bots } = this.deps;
    const bot = await bots.byId(data.botId);
    const presented = Buffer.from(keyedHash(this.deps.hashKey, data.secretToken), 'hex');
    const stored = Buffer.from(bot?.webhook_secret_hash ?? '0'.repeat(64), 'hex');
    const valid =
      timingSafeEqual(presented, stored) && bot?.updates_mode === 'webhook' && bot.status === 'active';
    if (!bot || !valid) throw new DomainError('UNAUTHORIZED', 'The webhook secret does not match.');

    const update = data.update as unknown as Update;
    const message = update.message ?? update.channel_post;
    if (!message) return {};
    const owners = await bots.activeOwners(bot.telegram_bot_id);
    const events = owners.map((owner) => {
      const envelope = this.deps.messaging.makeEnvelope(
        'telegram.message.received',
        receivedData(owner, message),
        { userId: owner.user_id },
      );
      envelope.id = `tg-${createHash('sha256').update(`${owner.id}:${update.update_id}`).digest('hex').slice(0, 40)}`;
      return envelope;
    });
    await bots.received(bot.telegram_bot_id, events);
    this.deps.relay.kick();
    return {};
  }
}
