import type { Message } from '@integrations/contracts';
import { waitFor } from '@integrations/testing';
import { startStack, type Stack } from './stack';

/**
 * A campaign with the api's default limits (none set here): one user sends more asynchronous messages over several
 * bots than the strict connect limit (`RATE_LIMIT_SENSITIVE`, 120 a minute) allows. Every send is accepted (202,
 * no 429) and delivered once; pacing each bot is the connector's throttle's business, which queues.
 */
describe('a campaign over several bots', () => {
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    stack = await startStack('campaign');
    token = await stack.token('campaigner');
  });
  afterAll(() => stack?.close());

  it('accepts every async send within the default per-user send limit and delivers each once', async () => {
    const bots = await Promise.all(
      ['campaign_one_bot', 'campaign_two_bot'].map((name) => stack.connectBotWithGroups(token, name, 3)),
    );
    const targets = bots.flatMap(({ bot, chats }) =>
      chats.map((chat) => ({ botId: bot.id, chatId: chat.id })),
    );
    const total = 130;
    const statuses: number[] = [];
    const accepted: Message[] = [];
    for (let i = 0; i < total; i++) {
      const { botId, chatId } = targets[i % targets.length]!;
      const res = await stack.rest<Message>(
        token,
        'POST',
        `/telegram/bots/${botId}/send`,
        { chatId, text: `campaign ${i}` },
        { prefer: 'respond-async' },
      );
      statuses.push(res.status);
      if (res.status === 202) accepted.push(res.body);
    }
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    expect(new Set(accepted.map((m) => m.id)).size).toBe(total);
    const delivered = async () =>
      (await Promise.all(targets.map(({ chatId }) => stack.control.messages(chatId))))
        .flat()
        .map((m) => m.text)
        .filter((text) => text?.startsWith('campaign '));
    await waitFor('every message at Telegram', async () => (await delivered()).length >= total);
    expect((await delivered()).sort()).toEqual(
      Array.from({ length: total }, (_, i) => `campaign ${i}`).sort(),
    );
  });
});
