import { Anchor, Button, Card, Group, PasswordInput, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useAddBot, useBots, useRemoveBot } from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ResourceTable } from '../../components/ResourceTable';
import { SendModal } from '../../components/SendModal';
import { StatusBadge } from '../../components/StatusBadge';
import { exactTime, timeAgo } from '../../components/format';

const UPDATES: Record<string, string> = { webhook: 'Webhook', polling: 'Polling', none: 'Send only' };

function AddBotForm() {
  const [token, setToken] = useState('');
  const add = useAddBot();
  return (
    <Card withBorder>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate(token.trim(), { onSuccess: () => setToken('') });
        }}
      >
        <Stack>
          <PasswordInput
            label="Bot token"
            description={
              <>
                Create a bot with{' '}
                <Anchor href="https://t.me/BotFather" target="_blank" rel="noreferrer" size="xs">
                  @BotFather
                </Anchor>{' '}
                and paste the token it gives you. It is stored encrypted and never shown again.
              </>
            }
            placeholder="123456789:AA…"
            value={token}
            onChange={(e) => setToken(e.currentTarget.value)}
            autoComplete="off"
            required
          />
          <ProblemAlert error={add.error} />
          {add.data && (
            <Text size="sm" c="green" role="status">
              @{add.data.username} is connected.
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={add.isPending} disabled={!token.trim()}>
              Add bot
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export function BotsPage() {
  const bots = useBots();
  const remove = useRemoveBot();
  return (
    <Stack>
      <Title order={2}>Bots</Title>
      <AddBotForm />
      <ProblemAlert error={remove.error} />
      <ResourceTable
        query={bots}
        label="Telegram bots"
        columns={['Bot', 'Status', 'Updates', 'Added']}
        minWidth={680}
        empty={{
          title: 'No bots yet',
          hint: 'Add a bot by its token to send messages and post to channels.',
        }}
        row={(bot) => (
          <Table.Tr key={bot.id}>
            <Table.Td>
              <Text fw={500}>@{bot.username}</Text>
              <Text size="xs" c="dimmed">
                {bot.firstName}
              </Text>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={bot.status} />
            </Table.Td>
            <Table.Td>{UPDATES[bot.updatesMode] ?? bot.updatesMode}</Table.Td>
            <Table.Td title={exactTime(bot.createdAt)}>{timeAgo(bot.createdAt)}</Table.Td>
            <Table.Td>
              <Group gap="xs" justify="flex-end" wrap="nowrap">
                <SendModal
                  title={`Send a test message with @${bot.username}`}
                  target={{ kind: 'bot', id: bot.id }}
                  recipient={{
                    label: 'Chat id',
                    placeholder: 'The chat id of a user who started the bot, or of a group',
                  }}
                />
                <ConfirmButton
                  label="Remove"
                  ariaLabel={`Remove @${bot.username}`}
                  question={`Remove @${bot.username}? Its webhook is removed and its token erased; channels attached through it stop working.`}
                  confirmLabel="Remove bot"
                  loading={remove.isPending && remove.variables === bot.id}
                  onConfirm={() => remove.mutate(bot.id)}
                />
              </Group>
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
