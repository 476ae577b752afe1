import { Badge, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { describeEvent, staleListsOf } from './describe-event';
import { openEventStream } from './event-stream';

/** Keeps the lists fresh from the event stream and raises a notice for what needs attention. */
export function LiveEvents({ token }: { token: string }) {
  const client = useQueryClient();
  const [status, setStatus] = useState<'connecting' | 'open' | 'closed'>('connecting');
  useEffect(
    () =>
      openEventStream({
        token,
        onStatus: setStatus,
        onEvent: (event) => {
          for (const list of staleListsOf(event.type)) void client.invalidateQueries({ queryKey: [list] });
          const notice = describeEvent(event);
          if (notice)
            notifications.show({
              id: event.id,
              title: notice.title,
              message: notice.message,
              color: notice.tone,
              autoClose: notice.tone === 'red' ? false : 6000,
            });
        },
      }),
    [token, client],
  );
  const look = { open: ['green', 'Live'], connecting: ['yellow', 'Connecting'], closed: ['gray', 'Offline'] }[
    status
  ];
  return (
    <Tooltip
      label={
        status === 'open' ? 'Notifications arrive as they happen' : 'Reconnecting to the notification stream'
      }
    >
      <Badge color={look[0]} variant="dot" data-testid="live-status">
        {look[1]}
      </Badge>
    </Tooltip>
  );
}
