import { connect, IntegrationError, type Bot, type IntegrationsClient } from '@integrations/client';
import { botSend } from '@integrations/example-bot-send';
import { startStack, type Stack } from './stack';

/**
 * A platform service beside the stack, speaking AMQP through `@integrations/client` only: the example under
 * examples/bot-send, and the client's typed errors from the real connectors.
 */
describe('platform services on AMQP through @integrations/client, end to end', () => {
  let stack: Stack;
  let client: IntegrationsClient;

  beforeAll(async () => {
    stack = await startStack('client');
    client = await connect(stack.amqpUrl, { service: 'e2e-platform-service' });
  });
  afterAll(async () => {
    await client?.close();
    await stack?.close();
  });

  it('runs examples/bot-send: connects a bot, sends, and receives telegram.message.sent', async () => {
    const created = await stack.control.createBot({ username: 'example_send_bot' });
    const chat = await stack.control.createChat({
      type: 'group',
      title: 'Example group',
      members: [{ botId: created.id, role: 'member' }],
    });
    const result = await botSend({
      amqpUrl: stack.amqpUrl,
      userId: 'platform-user-7',
      botToken: created.token,
      chatId: chat.id,
      text: 'Hello from a platform service',
    });
    expect(result.message).toMatchObject({ status: 'sent', chatId: chat.id });
    expect(result.sent).toMatchObject({
      messageId: result.message.id,
      userId: 'platform-user-7',
      via: { type: 'bot', id: result.botId },
      telegramMessageId: result.message.telegramMessageId,
    });
    const delivered = await stack.control.messages(chat.id);
    expect(delivered.map((m) => m.text)).toContain('Hello from a platform service');
    // The bot belongs to the user named in the envelope: the REST api shows it to that user.
    const token = await stack.token('platform-user-7');
    const bots = await stack.rest<{ items: Bot[] }>(token, 'GET', '/telegram/bots');
    expect(bots.body.items.map((b) => b.id)).toEqual([result.botId]);
  });

  it('gets the connectors’ failures as typed errors with their problem codes', async () => {
    const refused = client.request(
      'telegram.bot.connect',
      { token: '123456:not-a-known-token' },
      { userId: 'u-8' },
    );
    await expect(refused).rejects.toBeInstanceOf(IntegrationError);
    await expect(refused).rejects.toMatchObject({ code: 'TELEGRAM_TOKEN_INVALID', status: 422 });
    await expect(
      client.request('telegram.bot.get', { id: 'no-such-bot' }, { userId: 'u-8' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
