import { Autocomplete, Button, Checkbox, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { newIdempotencyKey } from '../api/client';
import { type SendTarget, useDirectory, useLogs, useSend } from '../api/queries';
import { ProblemAlert } from './ProblemAlert';
import { recipientOptions } from './recipients';
import { StatusBadge } from './StatusBadge';

/** What Telegram accepts as a recipient: an @username, a +phone of a contact, or a chat id. */
const RECIPIENT = /^(@[A-Za-z][A-Za-z0-9_]{3,31}|\+[1-9][0-9]{6,14}|-?[0-9]{1,20})$/;

/**
 * Sends one message. Bots and accounts pick a recipient (their attached channels and groups and recent chats
 * are offered, anything else can be typed); channels need none. The idempotency key lives as long as the text
 * and the recipient: resubmitting after a network error cannot send the same message twice.
 */
export function SendMessageForm({
  target,
  recipient,
}: {
  target: Omit<SendTarget, 'chatId' | 'to'> & { kind: SendTarget['kind'] };
  recipient?: { label: string; placeholder: string };
}) {
  const [to, setTo] = useState('');
  const [toError, setToError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [parseMode, setParseMode] = useState<string | null>(null);
  const [silent, setSilent] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);
  const send = useSend();
  const channels = useDirectory('channels');
  const activity = useLogs({ resourceId: target.id }, null, 50);
  const options = recipient
    ? recipientOptions(target.id, channels.data ?? [], activity.data?.items ?? [])
    : [];
  const names = new Map(options.map((option) => [option.value, option.name]));

  const full: SendTarget =
    target.kind === 'bot'
      ? { kind: 'bot', id: target.id, chatId: to.trim() }
      : target.kind === 'account'
        ? { kind: 'account', id: target.id, to: to.trim() }
        : { kind: 'channel', id: target.id };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (recipient && !RECIPIENT.test(to.trim())) {
          setToError('Choose a chat, or give an @username, a +phone of a contact, or a chat id.');
          return;
        }
        send.mutate(
          {
            target: full,
            idempotencyKey: key,
            message: {
              text,
              ...(parseMode ? { parseMode: parseMode as 'HTML' | 'MarkdownV2' } : {}),
              ...(silent ? { disableNotification: true } : {}),
            },
          },
          {
            onSuccess: () => {
              setText('');
              setKey(newIdempotencyKey());
            },
          },
        );
      }}
    >
      <Stack gap="sm">
        {recipient && (
          <Autocomplete
            label={recipient.label}
            placeholder={recipient.placeholder}
            description={names.get(to.trim()) ? `To ${names.get(to.trim())}` : undefined}
            value={to}
            onChange={(value) => {
              setTo(value);
              setToError(null);
              // Another recipient is another message: it must not replay the answer the last one got.
              setKey(newIdempotencyKey());
            }}
            error={toError}
            data={[...new Set(options.map((option) => option.group))].map((group) => ({
              group,
              items: options.filter((o) => o.group === group).map((o) => o.value),
            }))}
            renderOption={({ option }) => (
              <Stack gap={0}>
                <Text size="sm">{names.get(option.value) ?? option.value}</Text>
                <Text size="xs" c="dimmed">
                  {option.value}
                </Text>
              </Stack>
            )}
            filter={({ options: groups, search }) => {
              const needle = search.trim().toLowerCase();
              return groups
                .map((group) =>
                  'items' in group
                    ? {
                        ...group,
                        items: group.items.filter((item) =>
                          `${item.value} ${names.get(item.value) ?? ''}`.toLowerCase().includes(needle),
                        ),
                      }
                    : group,
                )
                .filter((group) => !('items' in group) || group.items.length > 0);
            }}
            required
            data-autofocus
          />
        )}
        <Textarea
          label="Message"
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setKey(newIdempotencyKey());
          }}
          required
          minRows={3}
          autosize
          maxLength={4096}
          description={`${text.length} / 4096`}
          {...(recipient ? {} : { 'data-autofocus': true })}
        />
        <Group grow align="end">
          <Select
            label="Formatting"
            data={[
              { value: 'HTML', label: 'HTML' },
              { value: 'MarkdownV2', label: 'MarkdownV2' },
            ]}
            placeholder="Plain text"
            value={parseMode}
            onChange={setParseMode}
            clearable
          />
          <Checkbox
            label="Send silently"
            checked={silent}
            onChange={(e) => setSilent(e.currentTarget.checked)}
          />
        </Group>
        <ProblemAlert error={send.error} />
        {send.data && (
          <Group gap="xs" role="status">
            <StatusBadge status={send.data.status} />
            {send.data.telegramMessageId && <span>Telegram message #{send.data.telegramMessageId}</span>}
          </Group>
        )}
        <Group justify="flex-end">
          <Button
            type="submit"
            loading={send.isPending}
            disabled={!text.trim() || (recipient !== undefined && !to.trim())}
          >
            Send
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
