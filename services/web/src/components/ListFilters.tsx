import { Group, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { ListFilters as Filters } from '../api/queries';

/** A list's search text and status, kept in the URL (so a link or a reload keeps them). */
export function useListFilters(): [Filters, (change: Filters) => void] {
  const [params, setParams] = useSearchParams();
  const filters: Filters = {
    ...(params.get('q') ? { q: params.get('q')! } : {}),
    ...(params.get('status') ? { status: params.get('status')! } : {}),
  };
  const update = (change: Filters) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(change)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  return [filters, update];
}

/** Search (as you type, a moment after the last key) and a status filter above a list. */
export function ListFilters({
  filters,
  onChange,
  statuses,
  searchLabel,
  placeholder,
}: {
  filters: Filters;
  onChange: (change: Filters) => void;
  statuses: { value: string; label: string }[];
  searchLabel: string;
  placeholder: string;
}) {
  const [text, setText] = useState(filters.q ?? '');
  const [debounced] = useDebouncedValue(text.trim(), 300);
  useEffect(() => {
    if (debounced !== (filters.q ?? '')) onChange({ q: debounced.slice(0, 64) || undefined });
    // Only a change of the typed text searches; the URL changing under it must not loop.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  return (
    <Group align="end" wrap="wrap" role="search" aria-label={`Search ${searchLabel}`}>
      <TextInput
        label={`Search ${searchLabel}`}
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        maxLength={64}
        style={{ flex: '1 1 220px' }}
      />
      <Select
        label="Status"
        placeholder="Any"
        clearable
        data={statuses}
        value={filters.status ?? null}
        onChange={(value) => onChange({ status: value ?? undefined })}
        w={180}
      />
    </Group>
  );
}
