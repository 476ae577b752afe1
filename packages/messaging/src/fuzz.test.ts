import { createTestVhost, waitFor, type TestVhost } from '@integrations/testing';
import amqplib from 'amqplib';
import fc from 'fast-check';
import { Messaging } from './index';

/** Random and hostile bytes on a command queue: dead-lettered with a reason, never handled, never a crash. */
describe('consumers under random messages', () => {
  let vhost: TestVhost;
  let server: Messaging;
  let client: Messaging;
  let raw: amqplib.ChannelModel;
  let channel: amqplib.Channel;
  const handled: unknown[] = [];

  beforeAll(async () => {
    vhost = await createTestVhost('fuzz');
    server = await Messaging.connect({ url: vhost.url, service: 'fuzz-server' });
    client = await Messaging.connect({ url: vhost.url, service: 'fuzz-client' });
    await server.consumeCommands({
      queue: 'fuzz',
      bindings: ['telegram.bot.remove'],
      handler: async (envelope) => {
        handled.push(envelope.data);
        return {};
      },
    });
    raw = await amqplib.connect(vhost.url);
    channel = await raw.createChannel();
  });
  afterAll(async () => {
    await channel?.close();
    await raw?.close();
    await client?.close();
    await server?.close();
    await vhost?.delete();
  });

  it('dead-letters every invalid message and keeps serving valid ones', async () => {
    const envelopeLike = fc.record(
      {
        specversion: fc.oneof(fc.constant('1.0'), fc.string()),
        id: fc.string(),
        source: fc.string(),
        type: fc.oneof(fc.constant('telegram.bot.remove'), fc.string()),
        time: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        datacontenttype: fc.constant('application/json'),
        userid: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()),
        // data that never matches {id} exactly: an extra field is always present
        data: fc.record({ id: fc.anything(), extra: fc.jsonValue() }),
      },
      { requiredKeys: ['data'] },
    );
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
      envelopeLike.map((v) => Buffer.from(JSON.stringify(v))),
    );
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(payload, async (content) => {
        channel.publish('integrations.commands', 'telegram.bot.remove', content);
        sent += 1;
        return true;
      }),
      { numRuns: 120 },
    );
    const reply = await client.request('telegram.bot.remove', { id: 'valid' }, { userId: 'u' });
    expect(reply).toEqual({ ok: true, data: {} });
    expect(handled).toEqual([{ id: 'valid' }]);
    let dead = 0;
    await waitFor(`${sent} dead letters in fuzz.dead`, async () => {
      dead = (await channel.checkQueue('fuzz.dead')).messageCount;
      return dead >= sent;
    });
    expect(dead).toBe(sent);
  });
});
