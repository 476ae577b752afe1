import type { Message } from '@integrations/contracts';
import { infra, waitFor } from '@integrations/testing';
import { startStack, type Stack } from './stack';

async function dropBrokerConnections(vhost: string): Promise<number> {
  const base = new URL(infra.rabbitManagementUrl);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  const api = `${base.protocol}//${base.host}/api`;
  let connections: { name: string }[] = [];
  // The management API lists a connection a few seconds after it opens.
  while (connections.length < 3) {
    connections = (await (
      await fetch(`${api}/vhosts/${encodeURIComponent(vhost)}/connections`, {
        headers: { authorization: auth },
      })
    ).json()) as { name: string }[];
    if (connections.length < 3) await new Promise((r) => setTimeout(r, 200));
  }
  for (const c of connections)
    await fetch(`${api}/connections/${encodeURIComponent(c.name)}`, {
      method: 'DELETE',
      headers: { authorization: auth },
    });
  return connections.length;
}

/**
 * RabbitMQ drops every connection in the middle of a burst of sends. The services reconnect by themselves; a
 * client that retries what failed with the same Idempotency-Key ends with every message delivered exactly once.
 */
describe('a broker failure during a burst of sends', () => {
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    stack = await startStack('faults');
    token = await stack.token('resilient');
  });
  afterAll(() => stack?.close());

  it('delivers every accepted send exactly once', async () => {
    const {
      bot,
      chats: [group],
    } = await stack.connectBotWithGroups(token, 'resilient_bot');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const total = 40;
    const sendOnce = async (i: number): Promise<Message> => {
      for (;;) {
        const res = await fetch(`${stack.apiUrl}/api/integrations/telegram/bots/${bot.id}/send`, {
          method: 'POST',
          headers: { ...headers, prefer: 'respond-async', 'idempotency-key': `burst-${i}` },
          body: JSON.stringify({ chatId: group.id, text: `message ${i}` }),
        });
        if (res.status === 202) return (await res.json()) as Message;
        // 504/503 while the broker is gone: retry as a client would, with the same key.
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const accepted: Message[] = [];
    let dropped = 0;
    for (let i = 0; i < total; i++) {
      if (i === 10) dropped = await dropBrokerConnections(stack.vhost);
      accepted.push(await sendOnce(i));
    }
    expect(dropped).toBeGreaterThanOrEqual(3); // the api's, the connector's and audit-log's
    expect(new Set(accepted.map((m) => m.id)).size).toBe(total);
    // Every send on record as sent (through the outbox and audit-log that reconnected too) is the event after
    // which a duplicate would already be at Telegram: then the chat holds each message exactly once.
    await waitFor('every send in the audit log', async () => {
      const res = await fetch(`${stack.apiUrl}/api/integrations/logs?action=message_sent&limit=100`, {
        headers,
      });
      return ((await res.json()) as { items: unknown[] }).items.length === total;
    });
    const texts = (await stack.control.messages(group.id)).map((m) => m.text).sort();
    expect(texts).toEqual(Array.from({ length: total }, (_, i) => `message ${i}`).sort());
  });
});
