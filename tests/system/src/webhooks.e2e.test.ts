import { until, waitFor } from '@integrations/testing';
import type { Bot, LogEntryPage } from '@integrations/contracts';
import { startStack, type Stack } from './stack';

/** A deployment with a public URL: Telegram posts bot updates to the api, signed with our secret_token. */
describe('bot updates by webhook', () => {
  let stack: Stack;
  let token: string;
  let bot: Bot;
  let telegramBotId: number;
  let botToken: string;

  beforeAll(async () => {
    stack = await startStack('hook', { webhooks: true });
    token = await stack.token('hooked');
  });
  afterAll(() => stack?.close());

  const logs = async () =>
    (
      (await (
        await fetch(`${stack.apiUrl}/api/integrations/logs?action=message_received`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as LogEntryPage
    ).items;

  it('registers a webhook with a secret on connect, and turns what users write into events', async () => {
    const created = await stack.control.createBot({ username: 'hooked_bot' });
    telegramBotId = created.id;
    botToken = created.token;
    const res = await fetch(`${stack.apiUrl}/api/integrations/telegram/bots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: created.token }),
    });
    bot = (await res.json()) as Bot;
    expect(bot.updatesMode).toBe('webhook');
    const info = (await (await fetch(`${stack.emulatorUrl}/bot${created.token}/getWebhookInfo`)).json()) as {
      result: { url: string };
    };
    expect(info.result.url).toBe(`${stack.apiUrl}/api/integrations/telegram/webhooks/bot/${bot.id}`);

    const user = await stack.control.createUser({ phone: '+15550002222', username: 'hook_user' });
    await stack.control.postMessage(telegramBotId, { fromUserId: user.id, text: 'via webhook' });
    await until(async () => (await logs()).length === 1);
    expect((await logs())[0]?.details).toMatchObject({
      text: 'via webhook',
      from: { username: 'hook_user' },
    });
  });

  it('refuses a forged or missing secret, and records nothing', async () => {
    const forge = (headers: Record<string, string>) =>
      fetch(`${stack.apiUrl}/api/integrations/telegram/webhooks/bot/${bot.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          update_id: 999,
          message: {
            message_id: 1,
            date: 1,
            chat: { id: 5, type: 'private' },
            from: { id: 5, is_bot: false, first_name: 'x' },
            text: 'forged',
          },
        }),
      });
    expect((await forge({ 'x-telegram-bot-api-secret-token': 'guessed-secret' })).status).toBe(401);
    expect((await forge({})).status).toBe(401);
    const unknownBot = await fetch(
      `${stack.apiUrl}/api/integrations/telegram/webhooks/bot/00000000-0000-7000-8000-000000000000`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'x' },
        body: JSON.stringify({ update_id: 1 }),
      },
    );
    expect(unknownBot.status).toBe(401);
    // A genuine update sent after the forged ones is the barrier: once it is on record, anything the forged ones
    // could have caused would be too (one bot's updates are recorded in order).
    const user = await stack.control.createUser({ phone: '+15550002223', username: 'hook_user_2' });
    await stack.control.postMessage(telegramBotId, { fromUserId: user.id, text: 'after the forgeries' });
    await waitFor('the genuine update after the forged ones', async () => (await logs()).length >= 2);
    expect((await logs()).map((l) => (l.details as { text?: string }).text).sort()).toEqual([
      'after the forgeries',
      'via webhook',
    ]);
    expect(await (await fetch(`${stack.apiUrl}/metrics`)).text()).toMatch(
      /api_webhook_rejected_total\{service="api"\} 3/,
    );
  });

  it('deletes the webhook at Telegram when the bot is paused (and sets it again on resume), and when its user is purged', async () => {
    const webhookUrl = async () =>
      (
        (await (await fetch(`${stack.emulatorUrl}/bot${botToken}/getWebhookInfo`)).json()) as {
          result: { url: string };
        }
      ).result.url;
    const patch = (isActive: boolean) =>
      stack.rest<Bot>(token, 'PATCH', `/telegram/bots/${bot.id}`, { isActive });
    expect((await patch(false)).body).toMatchObject({ isActive: false, updatesMode: 'polling' });
    expect(await webhookUrl()).toBe('');
    expect((await patch(true)).body).toMatchObject({ isActive: true, updatesMode: 'webhook' });
    expect(await webhookUrl()).toBe(`${stack.apiUrl}/api/integrations/telegram/webhooks/bot/${bot.id}`);

    const admin = await stack.token('ops', 'integrations:read integrations:write integrations:admin');
    const purged = await fetch(`${stack.apiUrl}/api/integrations/admin/users/hooked`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(purged.status).toBe(202);
    await waitFor(
      'the purged bot gone',
      async () => (await stack.rest(token, 'GET', `/telegram/bots/${bot.id}`)).status === 404,
    );
    expect(await webhookUrl()).toBe('');
  });
});
