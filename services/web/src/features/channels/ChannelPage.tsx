import type { LogEntry } from '@integrations/contracts';
import { Anchor, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { Link, useParams } from 'react-router';
import { useChannel, useLogs } from '../../api/queries';
import { CursorPager, useCursorStack } from '../../components/CursorPager';
import { QueryState } from '../../components/QueryState';
import { PHONE_QUERY } from '../../components/ResourceList';
import { SendMessageForm } from '../../components/SendMessageForm';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeAgo } from '../../components/TimeAgo';
import { useSenders } from './ChannelsPage';

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** One channel or group: where it stands, a form to post, and what was posted to it, newest first. */
export function ChannelPage() {
  const { id = '' } = useParams();
  const channel = useChannel(id);
  const senders = useSenders();
  return (
    <QueryState query={channel} isEmpty={() => false} empty={{ title: '', hint: '' }}>
      {(c) => (
        <Stack>
          <Group justify="space-between">
            <Title order={2}>{c.title}</Title>
            <Anchor component={Link} to="/channels">
              All channels and groups
            </Anchor>
          </Group>
          <Group gap="md">
            <Text size="sm">{c.type === 'channel' ? 'Channel' : 'Group'}</Text>
            <Text size="sm">{c.username ? `@${c.username}` : c.chatId}</Text>
            <Text size="sm">Posts through {senders.label(c.via)}</Text>
            <StatusBadge status={c.canPost ? 'can_post' : 'cannot_post'} />
            <StatusBadge status={c.status} />
          </Group>
          <Card withBorder>
            <Title order={3} size="h4" mb="sm">
              Post to {c.title}
            </Title>
            <SendMessageForm target={{ kind: 'channel', id: c.id }} />
          </Card>
          <History channelId={c.id} via={senders.label(c.via)} />
        </Stack>
      )}
    </QueryState>
  );
}

function History({ channelId, via }: { channelId: string; via: string }) {
  const pages = useCursorStack();
  const logs = useLogs({ resourceId: channelId }, pages.cursor);
  const phone = useMediaQuery(PHONE_QUERY);
  const posts = (items: LogEntry[]) => items.filter((entry) => entry.action.startsWith('message_'));
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        History
      </Title>
      <QueryState
        query={logs}
        isEmpty={(page) => posts(page.items).length === 0 && pages.depth === 1}
        empty={{ title: 'Nothing posted yet', hint: 'Posts show up here with their status once sent.' }}
      >
        {(page) => (
          <Stack>
            {phone ? (
              <Stack role="list" aria-label="Posts" gap="xs">
                {posts(page.items).map((entry) => (
                  <Card key={entry.id} withBorder role="listitem" padding="sm">
                    <Group justify="space-between">
                      <StatusBadge status={entry.action === 'message_sent' ? 'sent' : 'failed'} />
                      <TimeAgo iso={entry.createdAt} />
                    </Group>
                    <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
                      {str((entry.details as Record<string, unknown>)['text']) || '(text not kept)'}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {sender(entry, via)}
                    </Text>
                  </Card>
                ))}
              </Stack>
            ) : (
              <Table striped aria-label="Posts">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Text</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Sent by</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {posts(page.items).map((entry) => (
                    <Table.Tr key={entry.id}>
                      <Table.Td>
                        <TimeAgo iso={entry.createdAt} />
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'pre-wrap' }}>
                        {str((entry.details as Record<string, unknown>)['text']) || '(text not kept)'}
                        {entry.errorMessage && (
                          <Text size="xs" c="red">
                            {entry.errorMessage}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={entry.action === 'message_sent' ? 'sent' : 'failed'} />
                      </Table.Td>
                      <Table.Td>{sender(entry, via)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <CursorPager stack={pages} nextCursor={page.nextCursor} />
          </Stack>
        )}
      </QueryState>
    </Card>
  );
}

/** Who sent a post: the platform user who asked for it, through the channel's bot or account. */
const sender = (entry: LogEntry, via: string) => (entry.userId ? `${entry.userId}, through ${via}` : via);
