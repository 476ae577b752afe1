import { createParser } from 'eventsource-parser';
import { API_BASE } from '../api/client';

export interface LiveEvent {
  id: string;
  type: string;
  time: string;
  data: Record<string, unknown>;
}

export interface StreamOptions {
  token: string;
  onEvent: (event: LiveEvent) => void;
  onStatus?: (status: 'connecting' | 'open' | 'closed') => void;
  /** Backoff after a dropped stream, doubled up to 30 s. */
  initialRetryMs?: number;
}

/**
 * The api's Server-Sent Events, read with fetch: the browser's EventSource cannot send the bearer token.
 * Reconnects with backoff until stopped; a 401 stops it (the token has expired and the UI signs out).
 */
export function openEventStream(options: StreamOptions): () => void {
  const controller = new AbortController();
  let retryMs = options.initialRetryMs ?? 1000;

  const connect = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      options.onStatus?.('connecting');
      try {
        const res = await fetch(`${API_BASE}/events`, {
          headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (res.status === 401 || res.status === 403) break;
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        options.onStatus?.('open');
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
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        if (controller.signal.aborted) break;
      }
      options.onStatus?.('closed');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, 30_000);
    }
    options.onStatus?.('closed');
  };
  void connect();
  return () => controller.abort();
}
