import { Button, Checkbox, Group, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { newIdempotencyKey } from '../api/client';
import { type SendTarget, useSend } from '../api/queries';
import { ProblemAlert } from './ProblemAlert';
import { StatusBadge } from './StatusBadge';

/**
 * Sends one message. `recipient` asks for the chat (bots: a chat id; accounts: @username, +phone or chat id);
 * channels need none. The idempotency key lives as long as the text: resubmitting after a network error
 * cannot send the same message twice.
 */
export function SendMessageForm({
  target,
  recipient,
}: {
  target: Omit<SendTarget, 'chatId' | 'to'> & { kind: SendTarget['kind'] };
  recipient?: { label: string; placeholder: string };
}) {
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [parseMode, setParseMode] = useState<string | null>(null);
  const [silent, setSilent] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);
  const send = useSend();

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
          <TextInput
            label={recipient.label}
            placeholder={recipient.placeholder}
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            required
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
