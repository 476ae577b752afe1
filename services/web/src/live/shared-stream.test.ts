import type { StreamOptions, StreamStatus } from './event-stream';
import { openSharedEventStream } from './shared-stream';

/** Web Locks and BroadcastChannel as a browser gives them to the tabs of one site, in memory. */
function fakeBrowser() {
  const holders = new Map<string, Promise<unknown>>();
  const locks = {
    request: (name: string, _options: { signal?: AbortSignal }, task: () => Promise<unknown>) => {
      const previous = holders.get(name) ?? Promise.resolve();
      const run = previous.then(task);
      holders.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
  } as unknown as Pick<LockManager, 'request'>;
  const members = new Set<{ name: string; deliver: (data: unknown) => void }>();
  const channel = (name: string) => {
    const listeners: ((message: MessageEvent) => void)[] = [];
    const member = {
      name,
      deliver: (data: unknown) => listeners.forEach((l) => l({ data } as MessageEvent)),
    };
    members.add(member);
    return {
      postMessage: (data: unknown) => {
        for (const other of members)
          if (other !== member && other.name === name) queueMicrotask(() => other.deliver(data));
      },
      close: () => members.delete(member),
      addEventListener: (_type: string, listener: (message: MessageEvent) => void) =>
        listeners.push(listener),
    } as unknown as BroadcastChannel;
  };
  return { locks, channel };
}

const token = (sub: string) => `x.${btoa(JSON.stringify({ sub }))}.y`;

function tab(browser: ReturnType<typeof fakeBrowser>, opened: StreamOptions[]) {
  const seen: { events: string[]; statuses: StreamStatus[]; resyncs: number } = {
    events: [],
    statuses: [],
    resyncs: 0,
  };
  const stop = openSharedEventStream({
    token: token('marketer'),
    onEvent: (event) => seen.events.push(event.type),
    onStatus: (status) => seen.statuses.push(status),
    onResync: () => (seen.resyncs += 1),
    locks: browser.locks,
    channel: browser.channel,
    open: (options) => {
      opened.push(options);
      return () => undefined;
    },
  });
  return { seen, stop };
}

describe('openSharedEventStream', () => {
  it('opens one stream for all tabs: the leader relays events and status, and another tab takes over when it closes', async () => {
    const browser = fakeBrowser();
    const opened: StreamOptions[] = [];
    const tabs = Array.from({ length: 7 }, () => tab(browser, opened));
    await vi.waitFor(() => expect(opened).toHaveLength(1));

    const leader = opened[0]!;
    leader.onStatus?.('open');
    leader.onEvent({ id: 'e1', type: 'telegram.bot.removed', time: 't', data: {} });
    await vi.waitFor(() =>
      expect(tabs.every((t) => t.seen.events.includes('telegram.bot.removed'))).toBe(true),
    );
    expect(tabs.every((t) => t.seen.statuses.at(-1) === 'open')).toBe(true);
    expect(opened).toHaveLength(1);

    tabs[0]!.stop();
    await vi.waitFor(() => expect(opened).toHaveLength(2));
    // The new leader missed nothing it knows of, but cannot be sure: every tab refetches.
    await vi.waitFor(() => expect(tabs.slice(1).every((t) => t.seen.resyncs >= 1)).toBe(true));
    for (const t of tabs.slice(1)) t.stop();
  });

  it('gives up the lead when its token is refused, so a tab signed in again can lead', async () => {
    const browser = fakeBrowser();
    const opened: StreamOptions[] = [];
    const first = tab(browser, opened);
    await vi.waitFor(() => expect(opened).toHaveLength(1));
    const second = tab(browser, opened);
    opened[0]!.onUnauthorized?.();
    await vi.waitFor(() => expect(opened).toHaveLength(2));
    first.stop();
    second.stop();
  });

  it('opens its own stream where the browser has no Web Locks', () => {
    const opened: StreamOptions[] = [];
    const stop = openSharedEventStream({
      token: token('marketer'),
      onEvent: () => undefined,
      onStatus: () => undefined,
      onResync: () => undefined,
      locks: null,
      open: (options) => {
        opened.push(options);
        return () => undefined;
      },
    });
    expect(opened).toHaveLength(1);
    stop();
  });
});
