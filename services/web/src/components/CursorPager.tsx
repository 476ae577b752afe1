import { Button, Group } from '@mantine/core';
import { useState } from 'react';

/** Pages of a log reached by cursor, newest first: a stack of the cursors walked, so "Newer" can step back. */
export function useCursorStack() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    cursor: cursors.at(-1) ?? null,
    depth: cursors.length,
    older: (next: string) => setCursors((c) => [...c, next]),
    newer: () => setCursors((c) => c.slice(0, -1)),
    reset: () => setCursors([null]),
  };
}

export function CursorPager({
  stack,
  nextCursor,
}: {
  stack: ReturnType<typeof useCursorStack>;
  nextCursor: string | null;
}) {
  return (
    <Group justify="space-between">
      <Button variant="default" disabled={stack.depth < 2} onClick={stack.newer}>
        Newer
      </Button>
      <Button variant="default" disabled={!nextCursor} onClick={() => nextCursor && stack.older(nextCursor)}>
        Older
      </Button>
    </Group>
  );
}
