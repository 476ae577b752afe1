import { describeToken } from '../auth/token-store';
import { openEventStream, type LiveEvent, type StreamOptions, type StreamStatus } from './event-stream';

/** What the leading tab tells the others over the BroadcastChannel. */
type Signal =
  { t: 'event'; event: LiveEvent } | { t: 'status'; status: StreamStatus } | { t: 'resync' } | { t: 'hello' };

export interface SharedStreamOptions {
  token: string;
  onEvent: (event: LiveEvent) => void;
  onStatus: (status: StreamStatus) => void;
  /** Events may have been missed (a reconnect, a new leader): refetch what is shown. */
  onResync: () => void;
  /** For tests; default: the browser's `navigator.locks`, `BroadcastChannel` and `openEventStream`. */
  locks?: Pick<LockManager, 'request'> | null;
  channel?: (name: string) => Pick<BroadcastChannel, 'postMessage' | 'close' | 'addEventListener'> | null;
  open?: (options: StreamOptions) => () => void;
}

/**
 * One live-update stream per user for all of this browser's tabs. Over HTTP/1.1 a browser keeps at most six
 * connections to a site, and a stream per tab used them all up: the sixth tab's requests never returned. Tabs
 * elect a leader with a Web Lock; only the leader holds the stream, and it relays events and its status to the
 * others over a BroadcastChannel. When the leader's tab closes, its lock is released and the next tab takes over
 * at once. Where the browser has neither API, each tab opens its own stream, as before.
 */
export function openSharedEventStream(options: SharedStreamOptions): () => void {
  const locks = options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
  const makeChannel =
    options.channel ??
    ((name: string) => (typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(name)));
  const open = options.open ?? openEventStream;
  const key = `integrations-events:${describeToken(options.token)?.subject || 'anonymous'}`;
  const channel = locks ? makeChannel(key) : null;
  if (!locks || !channel) {
    return open({ ...options, onReopen: options.onResync });
  }

  const stopped = new AbortController();
  let leading = false;
  let heardLeader = false;
  let status: StreamStatus = 'connecting';
  const post = (signal: Signal) => channel.postMessage(signal);
  const setStatus = (next: StreamStatus) => {
    status = next;
    options.onStatus(next);
    if (leading) post({ t: 'status', status: next });
  };

  channel.addEventListener('message', (message: MessageEvent<Signal>) => {
    const signal = message.data;
    if (leading) {
      // A tab that just opened asks where things stand.
      if (signal.t === 'hello') post({ t: 'status', status });
      return;
    }
    heardLeader = true;
    if (signal.t === 'event') options.onEvent(signal.event);
    else if (signal.t === 'status') options.onStatus(signal.status);
    else if (signal.t === 'resync') options.onResync();
  });
  options.onStatus('connecting');
  post({ t: 'hello' });

  void locks
    .request(key, { signal: stopped.signal }, async () => {
      leading = true;
      // Taking over from another tab: what happened between its last event and our stream is unknown.
      const tookOver = heardLeader;
      await new Promise<void>((release) => {
        const stop = open({
          token: options.token,
          onEvent: (event) => {
            options.onEvent(event);
            post({ t: 'event', event });
          },
          onStatus: setStatus,
          onReopen: () => {
            options.onResync();
            post({ t: 'resync' });
          },
          // This tab's token is refused: another tab (signed in again) may lead instead.
          onUnauthorized: () => release(),
        });
        if (tookOver) {
          options.onResync();
          post({ t: 'resync' });
        }
        stopped.signal.addEventListener('abort', () => {
          stop();
          release();
        });
      });
      leading = false;
    })
    .catch(() => undefined);

  return () => {
    stopped.abort();
    channel.close();
  };
}
