import { Center, Loader, Stack, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

/** Loading, error and empty states for one query, so that no screen shows a blank area. */
export function QueryState<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty: (data: T) => boolean;
  empty: { title: string; hint: ReactNode };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending)
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (query.isError) return <ProblemAlert error={query.error} />;
  if (isEmpty(query.data))
    return (
      <Stack align="center" gap={4} py="xl" data-testid="empty-state">
        <Title order={4}>{empty.title}</Title>
        <Text c="dimmed" ta="center">
          {empty.hint}
        </Text>
      </Stack>
    );
  return <>{children(query.data)}</>;
}
