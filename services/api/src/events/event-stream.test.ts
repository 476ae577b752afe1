import { rabbitManagement, waitFor } from '@integrations/testing';
import { startHarness, type Harness } from '../../test/harness';

/** The api's SSE queue is bound to the events only while a stream is open on the instance. */
describe('event stream bindings', () => {
  let h: Harness;
  let alice: string;

  beforeAll(async () => {
    h = await startHarness(async () => ({}));
    alice = await h.token('alice');
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The routing keys binding this api's SSE queue to the events exchange (RabbitMQ's management API). */
  const sseBindings = async () => {
    const vhost = encodeURIComponent(h.vhost.name);
    const queues = await rabbitManagement<{ name: string }[]>('GET', `/queues/${vhost}`);
    const sse = queues.filter((q) => q.name.startsWith('api.sse.'));
    expect(sse).toHaveLength(1);
    const bindings = await rabbitManagement<{ source: string; routing_key: string }[]>(
      'GET',
      `/queues/${vhost}/${encodeURIComponent(sse[0]!.name)}/bindings`,
    );
    return bindings.filter((b) => b.source === 'integrations.events').map((b) => b.routing_key);
  };
  const open = async () => {
    const controller = new AbortController();
    const res = await fetch(`${h.api.url}/api/integrations/events`, {
      headers: { authorization: `Bearer ${alice}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    return { reader: res.body!.getReader(), close: () => controller.abort() };
  };
  const removed = (botId: string) =>
    h.responder.publishEvent('telegram.bot.removed', { userId: 'alice', botId }, { userId: 'alice' });

  it('has no binding while no stream is open', async () => {
    expect(await sseBindings()).toEqual([]);
  });

  it('is bound when a stream is answered, so the stream sees the events published right after', async () => {
    const stream = await open();
    expect(await sseBindings()).toEqual(['#']);
    await removed('b-1');
    let text = '';
    while (!text.includes('"botId":"b-1"'))
      text += new TextDecoder().decode((await stream.reader.read()).value);
    stream.close();
  });

  it('is unbound after the last stream closes', async () => {
    const first = await open();
    const second = await open();
    first.close();
    await removed('b-2');
    let text = '';
    while (!text.includes('"botId":"b-2"'))
      text += new TextDecoder().decode((await second.reader.read()).value);
    second.close();
    await waitFor('the SSE queue unbound', async () => (await sseBindings()).length === 0);
  });
});
