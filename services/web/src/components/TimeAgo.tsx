import { useSyncExternalStore } from 'react';
import { exactTime, timeAgo } from './format';

/** One clock for every relative time on the page, ticking every 15 s (a minute's precision is all they show). */
const TICK_MS = 15_000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    // The clock was stopped while nothing showed a time: catch up before the first tick.
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const each of listeners) each();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export const useNow = () =>
  useSyncExternalStore(
    subscribe,
    () => now,
    () => now,
  );

/** "3 minutes ago", kept current while the page is open; the exact time in a `<time>` and its title. */
export function TimeAgo({ iso, prefix }: { iso: string | null | undefined; prefix?: string }) {
  const current = useNow();
  if (!iso) return <span>{prefix ? `${prefix} never` : 'never'}</span>;
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {prefix ? `${prefix} ` : ''}
      {timeAgo(iso, current)}
    </time>
  );
}
