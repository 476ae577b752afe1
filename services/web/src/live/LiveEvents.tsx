import { Badge, Tooltip } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { refresh } from '../api/refresh';
import { useNames } from '../components/names';
import { describeEvent, type KnownNames, staleListsOf } from './describe-event';
import type { StreamStatus } from './event-stream';
import { notify } from './notify';
import { openSharedEventStream } from './shared-stream';

const LOOK: Record<StreamStatus, { color: string; label: string; hint: string }> = {
  open: { color: 'green', label: 'Live', hint: 'Updates arrive as they happen' },
  connecting: { color: 'yellow', label: 'Connecting', hint: 'Connecting to live updates' },
  stalled: { color: 'orange', label: 'Reconnecting', hint: 'Live updates stopped arriving; reconnecting' },
  closed: { color: 'gray', label: 'Offline', hint: 'No live updates; lists refresh when you open them' },
};

/**
 * Keeps the lists fresh from the live stream (one per browser, shared by its tabs) and raises a notice for what
 * needs attention. "Live" shows only while updates really arrive.
 */
export function LiveEvents({ token }: { token: string }) {
  const client = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  // Names change while the stream stays open: the handler reads the latest through a ref.
  const names = useNames();
  const namesRef = useRef<KnownNames>(names);
  useEffect(() => {
    namesRef.current = names;
  }, [names]);
  useEffect(
    () =>
      openSharedEventStream({
        token,
        onStatus: setStatus,
        onResync: () => void refresh(client, { predicate: (q) => q.queryKey[0] !== 'flow' }),
        onEvent: (event) => {
          for (const list of staleListsOf(event.type)) void refresh(client, { queryKey: [list] });
          const notice = describeEvent(event, namesRef.current);
          if (notice) notify(notice);
        },
      }),
    [token, client],
  );
  const look = LOOK[status];
  return (
    <Tooltip label={look.hint}>
      <Badge color={look.color} variant="dot" data-testid="live-status" data-status={status}>
        {look.label}
      </Badge>
    </Tooltip>
  );
}
