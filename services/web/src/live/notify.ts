import { notifications } from '@mantine/notifications';
import type { Notice } from './describe-event';

/** How long a notice that needs no action stays; one that does (a session down) stays until closed. */
export const AUTO_CLOSE_MS = 8_000;

const shown = new Map<string, number>();

/**
 * Raises a notice, or counts a repeat of one already on screen ("… (3 times)") instead of stacking copies.
 * Only notices that ask the user to act stay until closed.
 */
export function notify(notice: Notice): void {
  const id = `notice:${notice.title}|${notice.message}`;
  const seen = shown.get(id);
  const count = (seen ?? 0) + 1;
  shown.set(id, count);
  const props = {
    id,
    title: count > 1 ? `${notice.title} (${count} times)` : notice.title,
    message: notice.message,
    color: notice.tone,
    autoClose: notice.critical ? false : AUTO_CLOSE_MS,
    withBorder: true,
    // Mantine's description grey is 3.9:1 on the notice's background; the text colour reads at full contrast.
    styles: { description: { color: 'var(--mantine-color-text)' } },
    closeButtonProps: { 'aria-label': 'Dismiss this notice' },
    onClose: () => shown.delete(id),
  };
  if (seen) notifications.update(props);
  else notifications.show(props);
}

/** A sentence for a toast or a line: the server's detail without a doubled full stop. */
export const sentence = (text: string) => text.trim().replace(/[.\s]+$/, '');
