import { createParser } from 'eventsource-parser';
import { API_BASE } from '../api/client';

export interface LiveEvent {
  id: string;
  type: string;
  time: string;
  data: Record<string, unknown>;
}

/** `stalled`: the stream is open but nothing (not even the api's heartbeat) arrived for too long. */
export type StreamStatus = 'connecting' | 'open' | 'stalled' | 'closed';

export interface StreamOptions {
  token: string;
  onEvent: (event: LiveEvent) => void;
  onStatus?: (status: StreamStatus) => void;
  /** Each time the stream is open again after it was not: events in between were missed. */
  onReopen?: () => void;
  /** The api refused the token (401/403): the stream stops for good. */
  onUnauthorized?: () => void;
  /** Backoff after a dropped stream, doubled up to 30 s. */
  initialRetryMs?: number;
  /** The api sends a heartbeat every 15 s; nothing for this long means the connection is dead. */
  stallMs?: number;
}

/**
 * The api's Server-Sent Events, read with fetch: the browser's EventSource cannot send the bearer token.
 * Reconnects with backoff until stopped, also after the api ends the stream (for example when the token it was
 * opened with expires: the next attempt answers 401, which stops it and the UI signs out). A stream that goes
 * quiet past `stallMs` is dropped and opened again, so "Live" never shows over a dead connection.
 */
export function openEventStream(options: StreamOptions): () => void {
  const controller = new AbortController();
  const stallMs = options.stallMs ?? 40_000;
  let retryMs = options.initialRetryMs ?? 1000;
  let opened = 0;

  const readOnce = async (): Promise<'again' | 'stop'> => {
    const attempt = new AbortController();
    const abort = () => attempt.abort();
    controller.signal.addEventListener('abort', abort);
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    let reader: ReadableStreamDefaultReader<string> | undefined;
    const feed = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        options.onStatus?.('stalled');
        attempt.abort();
        void reader?.cancel().catch(() => undefined);
      }, stallMs);
    };
    try {
      const res = await fetch(`${API_BASE}/events`, {
        headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' },
        signal: attempt.signal,
      });
      if (res.status === 401 || res.status === 403) {
        options.onUnauthorized?.();
        return 'stop';
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      options.onStatus?.('open');
      opened += 1;
      if (opened > 1) options.onReopen?.();
      retryMs = options.initialRetryMs ?? 1000;
      const parser = createParser({
        onEvent: (message) => {
          try {
            const payload = JSON.parse(message.data) as Omit<LiveEvent, 'id'>;
            options.onEvent({ ...payload, id: message.id ?? `${payload.type}:${payload.time}` });
          } catch {
            // A frame that is not our JSON is not an event of ours; the stream goes on.
          }
        },
      });
      reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      feed();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        feed();
        parser.feed(value);
      }
    } catch {
      // A dropped or stalled connection: tried again below.
    } finally {
      clearTimeout(watchdog);
      controller.signal.removeEventListener('abort', abort);
    }
    return 'again';
  };

  const run = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      options.onStatus?.('connecting');
      if ((await readOnce()) === 'stop' || controller.signal.aborted) break;
      options.onStatus?.('closed');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, 30_000);
    }
    options.onStatus?.('closed');
  };
  void run();
  return () => controller.abort();
}
