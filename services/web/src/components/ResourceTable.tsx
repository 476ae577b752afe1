import { Table, VisuallyHidden } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { QueryState } from './QueryState';

/**
 * A list screen's table: loading, error and empty states, headers, and a last unlabelled column for row actions.
 * On a phone it scrolls sideways inside its container instead of squeezing the columns.
 */
export function ResourceTable<Item>({
  query,
  label,
  columns,
  minWidth,
  empty,
  row,
}: {
  query: UseQueryResult<{ items: Item[] }>;
  label: string;
  columns: string[];
  minWidth: number;
  empty: { title: string; hint: ReactNode };
  row: (item: Item) => ReactNode;
}) {
  return (
    <QueryState query={query} isEmpty={(page) => page.items.length === 0} empty={empty}>
      {(page) => (
        <Table.ScrollContainer minWidth={minWidth}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label={label}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((column) => (
                  <Table.Th key={column}>{column}</Table.Th>
                ))}
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>{page.items.map(row)}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </QueryState>
  );
}
