import { DEPRECATED_COMMANDS, type Envelope } from '@integrations/contracts';
import { Registry } from 'prom-client';
import { COMMAND_BINDINGS, commandHandler } from './commands';

/** Binding patterns of the topic exchange: `#` is any number of words, `*` one. */
const matches = (pattern: string, key: string) =>
  new RegExp(
    `^${pattern
      .split('.')
      .map((word) => (word === '#' ? '.*' : word === '*' ? '[^.]+' : word))
      .join('\\.')}$`,
  ).test(key);

const envelope = (type: string, data: Record<string, unknown>): Envelope => ({
  specversion: '1.0',
  id: `e-${type}`,
  source: 'test',
  type,
  time: '2026-12-02T10:00:00.000Z',
  datacontenttype: 'application/json',
  data,
  userid: 'u-1',
});

describe('bot connector commands', () => {
  const sent: { key: string; channelId: unknown }[] = [];
  const handle = commandHandler(
    {
      messages: {
        sendViaChannel: async (_caller: unknown, data: { channelId: string }, env: Envelope) => {
          sent.push({ key: env.type, channelId: data.channelId });
          return { id: 'm-1', status: 'sent' };
        },
      },
    } as unknown as Parameters<typeof commandHandler>[0],
    new Registry(),
  );

  it('takes a channel send under its symmetric key and under the deprecated one, with the same data', async () => {
    const data = { channelId: 'c-1', text: 'hi', messageId: 'm-1' };
    await expect(handle(envelope('telegram.bot.channel.send', data))).resolves.toEqual({
      id: 'm-1',
      status: 'sent',
    });
    await expect(handle(envelope('telegram.channel.send', data))).resolves.toEqual({
      id: 'm-1',
      status: 'sent',
    });
    expect(sent).toEqual([
      { key: 'telegram.bot.channel.send', channelId: 'c-1' },
      { key: 'telegram.channel.send', channelId: 'c-1' },
    ]);
  });

  it('binds its queue to every channel key, old and new, and answers each', async () => {
    for (const [old, replacement] of Object.entries(DEPRECATED_COMMANDS)) {
      expect(COMMAND_BINDINGS.some((p) => matches(p, old))).toBe(true);
      expect(COMMAND_BINDINGS.some((p) => matches(p, replacement))).toBe(true);
    }
    await expect(handle(envelope('telegram.unknown.verb', {}))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
