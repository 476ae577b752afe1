import { Anchor, Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { BOT_TOKEN } from '../../api/field-errors';
import { PAUSED, useAddBot, useList, useRemoveBot, useUpdateIntegration } from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { LifecycleControls } from '../../components/LifecycleControls';
import { ListFilters, useListFilters } from '../../components/ListFilters';
import { botName } from '../../components/names';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ResourceList } from '../../components/ResourceList';
import { SendModal } from '../../components/SendModal';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeAgo } from '../../components/TimeAgo';

const UPDATES: Record<string, string> = { webhook: 'Webhook', polling: 'Polling', none: 'Send only' };
const STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'error', label: 'Error' },
  { value: 'revoked', label: 'Token revoked' },
  { value: PAUSED, label: 'Paused' },
];

function AddBotForm() {
  const [token, setToken] = useState('');
  const [formatError, setFormatError] = useState<string | null>(null);
  const add = useAddBot();
  return (
    <Card withBorder>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const value = token.trim();
          // Checked here first: a malformed token is a typo to fix, not a question for Telegram.
          if (!BOT_TOKEN.test(value)) {
            setFormatError(
              'This is not a bot token. A token looks like 123456789:AAE… (digits, a colon, then at least 20 letters and digits), as @BotFather gives it.',
            );
            return;
          }
          add.mutate(value, { onSuccess: () => setToken('') });
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
            onChange={(e) => {
              setToken(e.currentTarget.value);
              setFormatError(null);
            }}
            error={formatError}
            autoComplete="off"
            required
          />
          <ProblemAlert error={add.error} />
          {add.data && <Text role="status">@{add.data.username} is connected.</Text>}
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
  const [filters, setFilters] = useListFilters();
  const bots = useList('bots', filters);
  const remove = useRemoveBot();
  const update = useUpdateIntegration('bots');
  return (
    <Stack>
      <Title order={2}>Bots</Title>
      <AddBotForm />
      <ListFilters
        filters={filters}
        onChange={setFilters}
        statuses={STATUSES}
        searchLabel="bots"
        placeholder="@username or name"
      />
      <ProblemAlert error={update.error ?? remove.error} />
      <ResourceList
        query={bots}
        label="Telegram bots"
        columns={[
          {
            label: 'Bot',
            render: (bot) => (
              <>
                <Text fw={500}>{bot.label ?? botName(bot)}</Text>
                <Text size="xs" c="dimmed">
                  {bot.label ? `${botName(bot)} · ${bot.firstName}` : bot.firstName}
                </Text>
              </>
            ),
          },
          {
            label: 'Status',
            render: (bot) => <StatusBadge status={bot.isActive ? bot.status : PAUSED} />,
          },
          { label: 'Updates', render: (bot) => UPDATES[bot.updatesMode] ?? bot.updatesMode },
          { label: 'Added', render: (bot) => <TimeAgo iso={bot.createdAt} /> },
        ]}
        title={(bot) => `${botName(bot)} · ${bot.firstName}`}
        empty={{
          title: filters.q || filters.status ? 'No bot matches' : 'No bots yet',
          hint:
            filters.q || filters.status
              ? 'Try another search or status.'
              : 'Add a bot by its token to send messages and post to channels.',
        }}
        actions={(bot) => (
          <>
            <LifecycleControls item={bot} name={botName(bot)} update={update} />
            <SendModal
              title={`Send with ${botName(bot)}`}
              target={{ kind: 'bot', id: bot.id }}
              recipient={{
                label: 'Chat',
                placeholder: 'Choose a chat, or type a chat id or @username',
              }}
            />
            <ConfirmButton
              label="Remove"
              ariaLabel={`Remove ${botName(bot)}`}
              question={`Remove ${botName(bot)}? Its webhook is removed and its token erased, and the channels and groups attached through it are removed from this list (nothing changes in Telegram itself).`}
              confirmLabel="Remove bot"
              loading={remove.isPending && remove.variables === bot.id}
              onConfirm={() => remove.mutate(bot.id)}
            />
          </>
        )}
      />
    </Stack>
  );
}
