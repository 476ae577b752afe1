import type { Account } from '@integrations/contracts';
import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { useRevealPhone } from '../../api/queries';

/**
 * An account's phone: masked, with "Show number" to ask the api for the full one (for the account's owner only,
 * and recorded in the activity log), and "Hide" to mask it again. Nothing is kept once hidden.
 */
export function PhoneNumber({ account, name }: { account: Account; name: string }) {
  const reveal = useRevealPhone();
  const [shown, setShown] = useState<string | null>(null);
  if (!account.phone) return <>hidden</>;
  if (shown)
    return (
      <Group gap="xs" wrap="nowrap">
        <Text span ff="monospace">
          {shown}
        </Text>
        <Button
          size="compact-xs"
          variant="subtle"
          aria-label={`Hide number of ${name}`}
          onClick={() => {
            setShown(null);
            reveal.reset();
          }}
        >
          Hide
        </Button>
      </Group>
    );
  return (
    <Group gap="xs" wrap="nowrap">
      <Text span>{account.phone}</Text>
      <Button
        size="compact-xs"
        variant="subtle"
        aria-label={`Show number of ${name}`}
        loading={reveal.isPending}
        onClick={() =>
          reveal.mutate(account.id, {
            onSuccess: (full) => setShown(full),
          })
        }
      >
        Show number
      </Button>
      {reveal.isError && (
        <Text span size="xs" c="red" role="alert">
          {reveal.error.message}
        </Text>
      )}
      {reveal.isSuccess && reveal.data === null && (
        <Text span size="xs" c="dimmed">
          Telegram did not tell the full number.
        </Text>
      )}
    </Group>
  );
}
