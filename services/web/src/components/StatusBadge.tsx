import { Badge } from '@mantine/core';

const LOOK: Record<string, { color: string; label: string }> = {
  active: { color: 'green', label: 'Active' },
  connecting: { color: 'blue', label: 'Connecting' },
  error: { color: 'red', label: 'Error' },
  revoked: { color: 'orange', label: 'Session ended' },
  write_forbidden: { color: 'orange', label: 'Cannot post' },
  success: { color: 'green', label: 'Success' },
  info: { color: 'blue', label: 'Info' },
  sent: { color: 'green', label: 'Sent' },
  queued: { color: 'blue', label: 'Queued' },
  failed: { color: 'red', label: 'Failed' },
};

/** A status as a coloured word; the word carries the meaning, so it reads without colour too. */
export function StatusBadge({ status }: { status: string }) {
  const look = LOOK[status] ?? { color: 'gray', label: status };
  return (
    <Badge color={look.color} variant="light">
      {look.label}
    </Badge>
  );
}
