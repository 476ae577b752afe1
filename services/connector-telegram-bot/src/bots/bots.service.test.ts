import { InMemoryMessageStore, InMemoryOwnedRows, RecordingOutbox } from '@integrations/connector-kit';
import { makeEnvelope, type MessageContext } from '@integrations/messaging';
import { LocalKeyringCipher } from '@integrations/secrets';
import type { ChannelRow } from '../channels/channels.repository';
import type { MessageRow } from '../messages/messages.ledger';
import type { BotApiFactory } from '../telegram/bot-api';
import type { BotRow, Bots } from './bots.repository';
import { BotsService } from './bots.service';

const ctx: MessageContext = { userId: 'alice' };
const TOKEN = '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** `BotsRepository` in memory: one token per user, a bot's channels removed with it. */
class FakeBots extends InMemoryOwnedRows<BotRow> implements Bots {
  constructor(
    outbox: RecordingOutbox,
    readonly channels: InMemoryOwnedRows<ChannelRow>,
  ) {
    super('telegram_bots', outbox, ['bot_token_hash']);
  }
  async idByTokenHash(userId: string, hash: string) {
    return [...this.rows.values()].find((row) => row.user_id === userId && row.bot_token_hash === hash)?.id;
  }
  async markRevoked(id: string) {
    Object.assign(this.rows.get(id)!, { status: 'revoked' });
  }
  async polledBotIds() {
    return [];
  }
  async pollable() {
    return [];
  }
  async activeOwners() {
    return [];
  }
  async polled() {}
  async received() {}
  override async remove(id: string, eventsOf: (childIds: string[]) => { id: string; type: string }[]) {
    const children = [...this.channels.rows.values()].filter((row) => row.bot_id === id).map((row) => row.id);
    for (const child of children) this.channels.rows.delete(child);
    this.children.set(id, children);
    await super.remove(id, eventsOf);
  }
}

function setUp() {
  const outbox = new RecordingOutbox();
  const channels = new InMemoryOwnedRows<ChannelRow>('telegram_channels', outbox);
  const bots = new FakeBots(outbox, channels);
  const messages = new InMemoryMessageStore<MessageRow>();
  const telegram: string[] = [];
  const api = {
    getMe: async () => ({ id: 42, username: 'helper_bot', first_name: 'Helper' }),
    deleteWebhook: async () => void telegram.push('deleteWebhook'),
  };
  const apis = {
    unstored: () => api as never,
    forget: (id: string) => void telegram.push(`forget ${id}`),
  } satisfies Pick<BotApiFactory, 'unstored' | 'forget'>;
  const service = new BotsService({
    bots,
    channels,
    messages,
    cipher: LocalKeyringCipher.fromJson('{}'),
    hashKey: 'test-hash-key',
    apis,
    messaging: { makeEnvelope: (type, data, c) => makeEnvelope('connector-telegram-bot', type, data, c) },
    relay: { kick: () => undefined },
  });
  return { service, bots, channels, messages, outbox, telegram };
}

describe('BotsService (in memory)', () => {
  it('connects a bot once per user: stored with its event; the same token again is a conflict', async () => {
    const { service, bots, outbox } = setUp();
    const bot = await service.connect({ userId: 'alice', admin: false }, { token: TOKEN }, ctx);
    expect(bot).toMatchObject({ telegramBotId: '42', username: 'helper_bot', status: 'active' });
    expect(bots.rows.get(bot.id)!.bot_token_enc).not.toContain(TOKEN);
    expect(await service.tokenOf(bots.rows.get(bot.id)!)).toBe(TOKEN);
    await expect(
      service.connect({ userId: 'alice', admin: false }, { token: TOKEN }, ctx),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(outbox.types()).toEqual(['telegram.bot.connected']);
  });

  it('removes a bot with its channels, each announced, and forgets its API', async () => {
    const { service, channels, outbox, telegram } = setUp();
    const bot = await service.connect({ userId: 'alice', admin: false }, { token: TOKEN }, ctx);
    const now = new Date();
    channels.seed({ id: 'c1', user_id: 'alice', bot_id: bot.id, created_at: now } as ChannelRow);
    await service.remove({ userId: 'alice', admin: false }, bot.id, ctx);
    expect(channels.rows.size).toBe(0);
    expect(outbox.types()).toEqual([
      'telegram.bot.connected',
      'telegram.channel.removed',
      'telegram.bot.removed',
    ]);
    expect(telegram).toEqual(['deleteWebhook', `forget ${bot.id}`]);
  });

  it('purges a user: bots and channels removed, messages erased, counts announced', async () => {
    const { service, messages } = setUp();
    await service.connect({ userId: 'alice', admin: false }, { token: TOKEN }, ctx);
    messages.rows.set('m1', { id: 'm1', user_id: 'alice' } as MessageRow);
    const purge = await service.purgeUser('alice', ctx);
    expect(purge.counts).toEqual({ bots: 1, channels: 0, messages: 1 });
    expect(messages.events.map((event) => event.type)).toEqual(['platform.user.purged']);
  });
});
