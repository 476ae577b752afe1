import type { Channel } from '@integrations/contracts';
import { Anchor, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { PAUSED, useAttachChannel, useList, useRemoveChannel, useUpdateIntegration } from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { LifecycleControls } from '../../components/LifecycleControls';
import { ListFilters, useListFilters } from '../../components/ListFilters';
import { accountLabel, botName, useNames } from '../../components/names';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ResourceList } from '../../components/ResourceList';
import { SendModal } from '../../components/SendModal';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeAgo } from '../../components/TimeAgo';

const STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'write_forbidden', label: 'Cannot post' },
  { value: 'error', label: 'Error' },
  { value: PAUSED, label: 'Paused' },
];

/** The bots and active accounts a channel can be attached through, and a name for any channel's `via`. */
export function useSenders() {
  const names = useNames();
  const options = [
    ...names.bots.map((bot) => ({ value: `bot:${bot.id}`, label: `Bot ${botName(bot)}` })),
    ...names.accounts
      .filter((account) => account.status === 'active')
      .map((account) => ({
        value: `account:${account.id}`,
        label: `Account ${accountLabel(account, names.accounts)}`,
      })),
  ];
  return {
    options,
    label: (via: Channel['via']) => {
      const name = names.resource(via.id);
      if (!name) return via.type === 'bot' ? 'A bot (not in the first 100)' : 'An account';
      return via.type === 'bot' ? `Bot ${name}` : `Account ${name}`;
    },
    loading: names.bots.length === 0 && names.accounts.length === 0,
  };
}

function AttachForm({ senders }: { senders: ReturnType<typeof useSenders> }) {
  const [chat, setChat] = useState('');
  const [via, setVia] = useState<string | null>(null);
  const attach = useAttachChannel();
  if (senders.options.length === 0)
    return (
      <Card withBorder>
        <Text>
          To attach a channel or group, first{' '}
          <Anchor component={Link} to="/bots">
            add a bot
          </Anchor>{' '}
          or{' '}
          <Anchor component={Link} to="/accounts/connect">
            connect an account
          </Anchor>{' '}
          that is an administrator there.
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
          {attach.data && <Text role="status">{attach.data.title} is attached.</Text>}
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
  const [filters, setFilters] = useListFilters();
  const channels = useList('channels', filters);
  const remove = useRemoveChannel();
  const update = useUpdateIntegration('channels');
  const senders = useSenders();
  return (
    <Stack>
      <Title order={2}>Channels and groups</Title>
      <AttachForm senders={senders} />
      <ListFilters
        filters={filters}
        onChange={setFilters}
        statuses={STATUSES}
        searchLabel="channels and groups"
        placeholder="Title, @username or chat id"
      />
      <ProblemAlert error={update.error ?? remove.error} />
      <ResourceList
        query={channels}
        label="Channels and groups"
        columns={[
          {
            label: 'Title',
            render: (channel) => (
              <>
                <Anchor component={Link} to={`/channels/${channel.id}`} fw={500}>
                  {channel.label ?? channel.title}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {[
                    channel.label ? channel.title : null,
                    channel.username ? `@${channel.username}` : channel.chatId,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Text>
              </>
            ),
          },
          { label: 'Type', render: (channel) => (channel.type === 'channel' ? 'Channel' : 'Group') },
          { label: 'Posts through', render: (channel) => senders.label(channel.via) },
          {
            label: 'Post rights',
            render: (channel) => <StatusBadge status={channel.canPost ? 'can_post' : 'cannot_post'} />,
          },
          {
            label: 'Status',
            render: (channel) => (
              <Stack gap={2}>
                <StatusBadge status={channel.isActive ? channel.status : PAUSED} />
                <Text size="xs" c="dimmed">
                  <TimeAgo iso={channel.lastCheckedAt} prefix="checked" />
                </Text>
              </Stack>
            ),
          },
        ]}
        title={(channel) => (
          <Anchor component={Link} to={`/channels/${channel.id}`}>
            {channel.title}
          </Anchor>
        )}
        empty={{
          title: filters.q || filters.status ? 'No channel or group matches' : 'No channels or groups yet',
          hint:
            filters.q || filters.status
              ? 'Try another search or status.'
              : 'Attach one above; its post rights are checked with Telegram.',
        }}
        actions={(channel) => (
          <>
            <LifecycleControls item={channel} name={channel.title} update={update} />
            <SendModal title={`Post to ${channel.title}`} target={{ kind: 'channel', id: channel.id }} />
            <ConfirmButton
              label="Remove"
              ariaLabel={`Remove ${channel.title}`}
              question={`Stop posting to ${channel.title}? It is removed from this list; nothing changes in Telegram itself.`}
              confirmLabel="Remove channel"
              loading={remove.isPending && remove.variables === channel.id}
              onConfirm={() => remove.mutate(channel.id)}
            />
          </>
        )}
      />
    </Stack>
  );
}
