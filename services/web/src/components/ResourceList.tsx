import { Box, Button, Card, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { QueryState } from './QueryState';

export interface Column<Item> {
  label: string;
  render: (item: Item) => ReactNode;
}

/** Below this width a table's columns get cut ("Sta…") and its actions slide off-screen: items become cards. */
export const PHONE_QUERY = '(max-width: 48em)';

/**
 * A list screen's items: a table on a wide screen, a card per item on a phone, loading, error and empty states,
 * and "Show more" for the next page (the api's cursor). Each item's `actions` are its row's last cell (or its
 * card's footer); more actions (pause, rename) fit there as they come.
 */
export function ResourceList<Item extends { id: string }>({
  query,
  label,
  columns,
  title,
  actions,
  empty,
}: {
  query: UseInfiniteQueryResult<InfiniteData<{ items: Item[]; nextCursor: string | null }>>;
  label: string;
  columns: Column<Item>[];
  /** The card's heading on a phone (the first column on a wide screen). */
  title: (item: Item) => ReactNode;
  actions: (item: Item) => ReactNode;
  empty: { title: string; hint: ReactNode };
}) {
  const phone = useMediaQuery(PHONE_QUERY);
  return (
    <QueryState
      query={query}
      isEmpty={(data) => data.pages.every((page) => page.items.length === 0)}
      empty={empty}
    >
      {(data) => {
        const items = data.pages.flatMap((page) => page.items);
        return (
          <Stack gap="sm">
            {phone ? (
              <Stack gap="sm" role="list" aria-label={label}>
                {items.map((item) => (
                  <Card key={item.id} withBorder role="listitem" padding="sm">
                    <Stack gap={6}>
                      <Box fw={600}>{title(item)}</Box>
                      {columns.slice(1).map((column) => (
                        <Group key={column.label} gap="xs" wrap="nowrap" align="flex-start">
                          <Text size="sm" c="dimmed" miw={96}>
                            {column.label}
                          </Text>
                          <Box fz="sm">{column.render(item)}</Box>
                        </Group>
                      ))}
                      <Group gap="xs" mt={4}>
                        {actions(item)}
                      </Group>
                    </Stack>
                  </Card>
                ))}
              </Stack>
            ) : (
              <Table striped highlightOnHover verticalSpacing="sm" aria-label={label}>
                <Table.Thead>
                  <Table.Tr>
                    {columns.map((column) => (
                      <Table.Th key={column.label}>{column.label}</Table.Th>
                    ))}
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((item) => (
                    <Table.Tr key={item.id}>
                      {columns.map((column) => (
                        <Table.Td key={column.label}>{column.render(item)}</Table.Td>
                      ))}
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          {actions(item)}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Group justify="space-between">
              <Text size="sm" c="dimmed" aria-live="polite">
                {query.hasNextPage ? `Showing the first ${items.length}` : `${items.length} in all`}
              </Text>
              {query.hasNextPage && (
                <Button
                  variant="default"
                  onClick={() => void query.fetchNextPage()}
                  loading={query.isFetchingNextPage}
                >
                  Show more
                </Button>
              )}
            </Group>
          </Stack>
        );
      }}
    </QueryState>
  );
}
