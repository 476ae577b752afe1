import type { Channel } from '@integrations/contracts';
import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAccounts, useAttachChannel, useBots, useChannels, useRemoveChannel } from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ResourceTable } from '../../components/ResourceTable';
import { SendModal } from '../../components/SendModal';
import { StatusBadge } from '../../components/StatusBadge';
import { exactTime, timeAgo } from '../../components/format';
import { accountName } from '../accounts/AccountsPage';

/** "bot:<id>" / "account:<id>" → a readable name, from the lists the page already has. */
function useSenders() {
  const bots = useBots();
  const accounts = useAccounts();
  const options = [
    ...(bots.data?.items ?? []).map((bot) => ({ value: `bot:${bot.id}`, label: `Bot @${bot.username}` })),
    ...(accounts.data?.items ?? [])
      .filter((account) => account.status === 'active')
      .map((account) => ({ value: `account:${account.id}`, label: `Account ${accountName(account)}` })),
  ];
  const labels = new Map(options.map((option) => [option.value, option.label]));
  return {
    options,
    label: (via: Channel['via']) => labels.get(`${via.type}:${via.id}`) ?? `${via.type} (removed)`,
    loading: bots.isPending || accounts.isPending,
  };
}

function AttachForm({ senders }: { senders: ReturnType<typeof useSenders> }) {
  const [chat, setChat] = useState('');
  const [via, setVia] = useState<string | null>(null);
  const attach = useAttachChannel();
  if (!senders.loading && senders.options.length === 0)
    return (
      <Card withBorder>
        <Text>
          To attach a channel or group, first <Link to="/bots">add a bot</Link> or{' '}
          <Link to="/accounts/connect">connect an account</Link> that is an administrator there.
        </Text>
      </Card>
    );
  return (
    <Card withBorder>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const [type, id] = (via ?? '').split(':') as ['bot' | 'account', string];
          attach.mutate({ chat: chat.trim(), via: { type, id } }, { onSuccess: () => setChat('') });
        }}
      >
        <Stack>
          <Group grow align="start">
            <TextInput
              label="Channel or group"
              description="Its @username, or its chat id (e.g. -1001234567890)"
              placeholder="@my_channel"
              value={chat}
              onChange={(e) => setChat(e.currentTarget.value)}
              required
            />
            <Select
              label="Post through"
              description="A bot or account that is an administrator there"
              data={senders.options}
              value={via}
              onChange={setVia}
              placeholder="Choose"
              required
              allowDeselect={false}
            />
          </Group>
          <ProblemAlert error={attach.error} />
          {attach.data && (
            <Text size="sm" c="green" role="status">
              {attach.data.title} is attached.
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={attach.isPending} disabled={!chat.trim() || !via}>
              Attach
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export function ChannelsPage() {
  const channels = useChannels();
  const remove = useRemoveChannel();
  const senders = useSenders();
  return (
    <Stack>
      <Title order={2}>Channels and groups</Title>
      <AttachForm senders={senders} />
      <ProblemAlert error={remove.error} />
      <ResourceTable
        query={channels}
        label="Channels and groups"
        columns={['Title', 'Type', 'Posts through', 'Post rights', 'Status']}
        minWidth={760}
        empty={{
          title: 'No channels or groups yet',
          hint: 'Attach one above; its post rights are checked with Telegram.',
        }}
        row={(channel) => (
          <Table.Tr key={channel.id}>
            <Table.Td>
              <Text fw={500}>{channel.title}</Text>
              <Text size="xs" c="dimmed">
                {channel.username ? `@${channel.username}` : channel.chatId}
              </Text>
            </Table.Td>
            <Table.Td>{channel.type === 'channel' ? 'Channel' : 'Group'}</Table.Td>
            <Table.Td>{senders.label(channel.via)}</Table.Td>
            <Table.Td>
              <Badge color={channel.canPost ? 'green' : 'red'} variant="outline">
                {channel.canPost ? 'Can post' : 'Cannot post'}
              </Badge>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={channel.status} />
              <Text size="xs" c="dimmed" title={exactTime(channel.lastCheckedAt)}>
                checked {timeAgo(channel.lastCheckedAt)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Group gap="xs" justify="flex-end" wrap="nowrap">
                <SendModal title={`Post to ${channel.title}`} target={{ kind: 'channel', id: channel.id }} />
                <ConfirmButton
                  label="Remove"
                  ariaLabel={`Remove ${channel.title}`}
                  question={`Stop posting to ${channel.title}? Nothing changes in Telegram itself.`}
                  confirmLabel="Remove channel"
                  loading={remove.isPending && remove.variables === channel.id}
                  onConfirm={() => remove.mutate(channel.id)}
                />
              </Group>
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
