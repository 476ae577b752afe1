import type { LogsQuery } from '@integrations/contracts';
import { Button, Code, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useLogs } from '../../api/queries';
import { QueryState } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { exactTime, INTEGRATION_LABELS, timeAgo } from '../../components/format';

type Filters = Pick<LogsQuery, 'type' | 'status' | 'action' | 'from' | 'to'>;

const ACTION_LABELS: Record<string, string> = {
  message_sent: 'Message sent',
  message_failed: 'Message failed',
  message_received: 'Message received',
  connected: 'Connected',
  disconnected: 'Disconnected',
  removed: 'Removed',
  attached: 'Attached',
  session_error: 'Session error',
  write_forbidden: 'Posting refused',
};

/** A date input's day as the start (or the end) of that day in the browser's time zone, sent as UTC. */
const dayBoundary = (day: string, end: boolean) => {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (end) date.setDate(date.getDate() + 1);
  return date.toISOString();
};

export function ActivityPage() {
  const [filters, setFilters] = useState<Filters>({});
  const [days, setDays] = useState({ from: '', to: '' });
  // Older pages are reached by cursor; the stack lets "Newer" step back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const logs = useLogs(filters, cursor);
  const update = (change: Partial<Filters>) => {
    setFilters((current) => ({ ...current, ...change }));
    setCursors([null]);
  };

  return (
    <Stack>
      <Title order={2}>Activity</Title>
      <Group align="end" wrap="wrap" role="search" aria-label="Filter the activity">
        <Select
          label="Integration"
          placeholder="All"
          clearable
          value={filters.type ?? null}
          onChange={(value) => update({ type: (value ?? undefined) as Filters['type'] })}
          data={Object.entries(INTEGRATION_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <Select
          label="Status"
          placeholder="All"
          clearable
          value={filters.status ?? null}
          onChange={(value) => update({ status: (value ?? undefined) as Filters['status'] })}
          data={[
            { value: 'success', label: 'Success' },
            { value: 'error', label: 'Error' },
            { value: 'info', label: 'Info' },
          ]}
        />
        <Select
          label="Action"
          placeholder="All"
          clearable
          value={filters.action ?? null}
          onChange={(value) => update({ action: value ?? undefined })}
          data={Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <TextInput
          type="date"
          label="From"
          value={days.from}
          onChange={(e) => {
            const from = e.currentTarget.value;
            setDays((d) => ({ ...d, from }));
            update({ from: dayBoundary(from, false) });
          }}
        />
        <TextInput
          type="date"
          label="To"
          value={days.to}
          onChange={(e) => {
            const to = e.currentTarget.value;
            setDays((d) => ({ ...d, to }));
            update({ to: dayBoundary(to, true) });
          }}
        />
      </Group>
      <QueryState
        query={logs}
        isEmpty={(page) => page.items.length === 0}
        empty={{
          title: 'Nothing here yet',
          hint: 'Connections, sends and errors show up here as they happen.',
        }}
      >
        {(page) => (
          <>
            <Table.ScrollContainer minWidth={760}>
              <Table striped verticalSpacing="xs" aria-label="Activity">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Integration</Table.Th>
                    <Table.Th>What</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Details</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.items.map((entry) => (
                    <Table.Tr key={entry.id}>
                      <Table.Td title={exactTime(entry.createdAt)}>{timeAgo(entry.createdAt)}</Table.Td>
                      <Table.Td>{INTEGRATION_LABELS[entry.type] ?? entry.type}</Table.Td>
                      <Table.Td>{ACTION_LABELS[entry.action] ?? entry.action}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={entry.status} />
                      </Table.Td>
                      <Table.Td>
                        {entry.errorMessage ? (
                          <Text size="sm" c="red">
                            {entry.errorMessage}
                          </Text>
                        ) : (
                          <Text size="sm" c="dimmed">
                            {summary(entry.details)}
                          </Text>
                        )}
                        {entry.requestId && (
                          <Text size="xs" c="dimmed">
                            request <Code>{entry.requestId}</Code>
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between">
              <Button
                variant="default"
                disabled={cursors.length < 2}
                onClick={() => setCursors((c) => c.slice(0, -1))}
              >
                Newer
              </Button>
              <Button
                variant="default"
                disabled={!page.nextCursor}
                onClick={() => page.nextCursor && setCursors((c) => [...c, page.nextCursor])}
              >
                Older
              </Button>
            </Group>
          </>
        )}
      </QueryState>
    </Stack>
  );
}

/** The most telling fields of an event's details, in one line. */
function summary(details: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ['username', 'title', 'chatId', 'text']) {
    const value = details[key];
    if (typeof value === 'string' && value)
      parts.push(key === 'username' ? `@${value}` : key === 'chatId' ? `chat ${value}` : value);
  }
  const joined = parts.join(' · ');
  return joined.length > 140 ? `${joined.slice(0, 137)}…` : joined;
}
