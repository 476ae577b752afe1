import { Badge } from '@mantine/core';

const LOOK: Record<string, { color: string; label: string }> = {
  active: { color: 'green', label: 'Active' },
  connecting: { color: 'blue', label: 'Connecting' },
  error: { color: 'red', label: 'Error' },
  revoked: { color: 'orange', label: 'Session ended' },
  write_forbidden: { color: 'orange', label: 'Cannot post' },
  disabled: { color: 'gray', label: 'Disabled' },
  paused: { color: 'gray', label: 'Paused' },
  success: { color: 'green', label: 'Success' },
  info: { color: 'blue', label: 'Info' },
  sent: { color: 'green', label: 'Sent' },
  queued: { color: 'blue', label: 'Queued' },
  pending: { color: 'blue', label: 'Pending' },
  delivered: { color: 'green', label: 'Delivered' },
  accepted: { color: 'blue', label: 'Accepted' },
  read: { color: 'green', label: 'Read' },
  failed: { color: 'red', label: 'Failed' },
  can_post: { color: 'green', label: 'Can post' },
  cannot_post: { color: 'red', label: 'Cannot post' },
};

export const statusLabel = (status: string) => LOOK[status]?.label ?? status;

/**
 * A status as a word on a tinted background: the word carries the meaning (it reads without colour), and its
 * text keeps the theme's contrast (the tint is the colour's lightest shade).
 */
export function StatusBadge({ status }: { status: string }) {
  const look = LOOK[status] ?? { color: 'gray', label: status };
  return (
    // Never cut to "Act…" in a crowded row: the badge keeps its word's width and the row's other cells wrap.
    <Badge color={look.color} variant="light" tt="none" miw="max-content">
      {look.label}
    </Badge>
  );
}
