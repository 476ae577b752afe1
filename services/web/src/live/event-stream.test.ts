import { openEventStream, type LiveEvent } from './event-stream';

function sseResponse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

describe('openEventStream', () => {
  it('sends the bearer token, parses frames split across chunks, and reconnects after the stream ends', async () => {
    const frame = `id: ev-1\nevent: telegram.bot.removed\ndata: ${JSON.stringify({ type: 'telegram.bot.removed', time: 't', data: { botId: 'b' } })}\n\n`;
    const fetchMock = vi.fn(async () =>
      sseResponse([': connected\n\n', frame.slice(0, 20), frame.slice(20), 'data: not json\n\n']),
    );
    vi.stubGlobal('fetch', fetchMock);
    const events: LiveEvent[] = [];
    const stop = openEventStream({ token: 'tok', onEvent: (e) => events.push(e), initialRetryMs: 10 });
    await vi.waitFor(() => expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(2));
    stop();
    expect(events[0]).toEqual({ id: 'ev-1', type: 'telegram.bot.removed', time: 't', data: { botId: 'b' } });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/integrations/events');
    expect((init.headers as Record<string, string>)['authorization']).toBe('Bearer tok');
  });

  it('stops for good on 401', async () => {
    const fetchMock = vi.fn(async () => new Response(null, { status: 401 }));
    vi.stubGlobal('fetch', fetchMock);
    const statuses: string[] = [];
    openEventStream({
      token: 'expired',
      onEvent: () => undefined,
      onStatus: (s) => statuses.push(s),
      initialRetryMs: 1,
    });
    await vi.waitFor(() => expect(statuses.at(-1)).toBe('closed'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('shows a stream that goes quiet as stalled, drops it and opens a new one', async () => {
    const bodies: ReadableStreamDefaultController<Uint8Array>[] = [];
    const fetchMock = vi.fn(
      async () =>
        new Response(new ReadableStream<Uint8Array>({ start: (c) => void bodies.push(c) }), {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
        }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const statuses: string[] = [];
    const reopened: number[] = [];
    const stop = openEventStream({
      token: 'tok',
      onEvent: () => undefined,
      onStatus: (s) => statuses.push(s),
      onReopen: () => reopened.push(1),
      initialRetryMs: 5,
      stallMs: 40,
    });
    await vi.waitFor(() => expect(statuses).toContain('stalled'));
    await vi.waitFor(() => expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(2));
    await vi.waitFor(() => expect(reopened.length).toBeGreaterThanOrEqual(1));
    expect(statuses.slice(0, 3)).toEqual(['connecting', 'open', 'stalled']);
    stop();
  });
});
