import type { LogEntry, LogsQuery } from '@integrations/contracts';
import { Box, Button, Card, Code, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { type LogFilters, useLogs } from '../../api/queries';
import { useNames } from '../../components/names';
import { CursorPager, useCursorStack } from '../../components/CursorPager';
import { QueryState } from '../../components/QueryState';
import { PHONE_QUERY } from '../../components/ResourceList';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeAgo } from '../../components/TimeAgo';
import { INTEGRATION_LABELS } from '../../components/format';
import type { KnownNames } from '../../live/describe-event';

export const ACTION_LABELS: Record<string, string> = {
  message_sent: 'Message sent',
  message_failed: 'Message failed',
  message_received: 'Message received',
  connected: 'Connected',
  disconnected: 'Disconnected',
  removed: 'Removed',
  attached: 'Attached',
  session_error: 'Session error',
  write_forbidden: 'Posting refused',
  phone_revealed: 'Phone number shown',
};

type FilterKey = 'type' | 'status' | 'action' | 'from' | 'to' | 'resourceId';

/** A date input's day as the start (or the end) of that day in the browser's time zone, sent as UTC. */
const dayBoundary = (day: string, end: boolean) => {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (end) date.setDate(date.getDate() + 1);
  return date.toISOString();
};

/** The filters live in the URL (`?type=…&from=2026-11-20`), so a link from Statistics or a reload keeps them. */
function useActivityFilters() {
  const [params, setParams] = useSearchParams();
  const value = (key: string) => params.get(key) ?? '';
  const filters: LogFilters = {
    ...(value('type') ? { type: value('type') as LogsQuery['type'] } : {}),
    ...(value('status') ? { status: value('status') as LogsQuery['status'] } : {}),
    ...(value('action') ? { action: value('action') } : {}),
    ...(value('from') ? { from: dayBoundary(value('from'), false) } : {}),
    ...(value('to') ? { to: dayBoundary(value('to'), true) } : {}),
    ...(value('resourceId') ? { resourceId: value('resourceId') } : {}),
  };
  const set = (key: FilterKey, next: string | null) =>
    setParams(
      (current) => {
        const out = new URLSearchParams(current);
        if (next) out.set(key, next);
        else out.delete(key);
        return out;
      },
      { replace: true },
    );
  return { filters, value, set };
}

export function ActivityPage() {
  const { filters, value, set } = useActivityFilters();
  const names = useNames();
  // Older pages are reached by cursor; the stack lets "Newer" step back. A filter change starts over.
  const pages = useCursorStack();
  const [forFilters, setForFilters] = useState(JSON.stringify(filters));
  if (forFilters !== JSON.stringify(filters)) {
    setForFilters(JSON.stringify(filters));
    pages.reset();
  }
  const logs = useLogs(filters, pages.cursor);
  const phone = useMediaQuery(PHONE_QUERY);
  const resource = value('resourceId');

  return (
    <Stack>
      <Title order={2}>Activity</Title>
      <Group align="end" wrap="wrap" role="search" aria-label="Filter the activity">
        <Select
          label="Integration"
          placeholder="All"
          clearable
          value={value('type') || null}
          onChange={(next) => set('type', next)}
          data={Object.entries(INTEGRATION_LABELS).map(([v, label]) => ({ value: v, label }))}
        />
        <Select
          label="Status"
          placeholder="All"
          clearable
          value={value('status') || null}
          onChange={(next) => set('status', next)}
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
          value={value('action') || null}
          onChange={(next) => set('action', next)}
          data={Object.entries(ACTION_LABELS).map(([v, label]) => ({ value: v, label }))}
        />
        <TextInput
          type="date"
          label="From"
          value={value('from')}
          onChange={(e) => set('from', e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label="To"
          value={value('to')}
          onChange={(e) => set('to', e.currentTarget.value)}
        />
      </Group>
      {resource && (
        <Group gap="xs">
          <Text size="sm">Only {names.resource(resource) ?? 'one integration'}</Text>
          <Button size="compact-sm" variant="default" onClick={() => set('resourceId', null)}>
            Show all integrations
          </Button>
        </Group>
      )}
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
            {phone ? (
              <Stack role="list" aria-label="Activity" gap="xs">
                {page.items.map((entry) => (
                  <Card key={entry.id} withBorder role="listitem" padding="sm">
                    <Group justify="space-between" wrap="nowrap">
                      <Text fw={600} size="sm">
                        {ACTION_LABELS[entry.action] ?? entry.action}
                      </Text>
                      <StatusBadge status={entry.status} />
                    </Group>
                    <Text size="xs" c="dimmed">
                      {INTEGRATION_LABELS[entry.type] ?? entry.type} · <TimeAgo iso={entry.createdAt} />
                    </Text>
                    <Details entry={entry} names={names} />
                  </Card>
                ))}
              </Stack>
            ) : (
              <Box
                style={{ overflowX: 'auto' }}
                tabIndex={0}
                role="region"
                aria-label="Activity table, scrolls sideways"
              >
                <Table striped verticalSpacing="xs" aria-label="Activity" miw={760}>
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
                        <Table.Td>
                          <TimeAgo iso={entry.createdAt} />
                        </Table.Td>
                        <Table.Td>{INTEGRATION_LABELS[entry.type] ?? entry.type}</Table.Td>
                        <Table.Td>{ACTION_LABELS[entry.action] ?? entry.action}</Table.Td>
                        <Table.Td>
                          <StatusBadge status={entry.status} />
                        </Table.Td>
                        <Table.Td>
                          <Details entry={entry} names={names} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Box>
            )}
            <CursorPager stack={pages} nextCursor={page.nextCursor} />
          </>
        )}
      </QueryState>
    </Stack>
  );
}

function Details({ entry, names }: { entry: LogEntry; names: KnownNames }) {
  return (
    <>
      {entry.errorMessage ? (
        <Text size="sm" c="red">
          {entry.errorMessage}
        </Text>
      ) : (
        <Text size="sm">{summary(entry, names)}</Text>
      )}
      {entry.requestId && (
        <Text size="xs" c="dimmed">
          request <Code>{entry.requestId}</Code>
        </Text>
      )}
    </>
  );
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** The chat by its name (never a bare id when one is known), who, and the start of the text, in one line. */
export function summary(entry: LogEntry, names: KnownNames): string {
  const d = entry.details as Record<string, unknown>;
  const parts: string[] = [];
  const chatId = str(d['chatId']);
  const chat =
    str(d['chatTitle']) ||
    (entry.resourceType === 'channel' ? names.resource(entry.resourceId ?? '') : undefined) ||
    names.chat(chatId) ||
    str(d['title']);
  if (chat) parts.push(chat);
  else if (chatId) parts.push(chatId.startsWith('@') ? chatId : `chat ${chatId}`);
  const from = d['from'] as { username?: string | null; id?: string } | undefined;
  if (from) parts.push(`from ${from.username ? `@${from.username}` : `user ${from.id}`}`);
  if (str(d['username']) && !from) parts.push(`@${str(d['username'])}`);
  const via =
    entry.resourceType !== 'channel' && entry.resourceId ? names.resource(entry.resourceId) : undefined;
  if (via) parts.push(`via ${via}`);
  const text = str(d['text']);
  if (text) parts.push(`“${text}”`);
  const joined = parts.join(' · ');
  return joined.length > 160 ? `${joined.slice(0, 159)}…` : joined;
}
