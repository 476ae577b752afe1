import type { Account } from '@integrations/contracts';
import { Button, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { useAccounts, useReconnectAccount, useRemoveAccount } from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ResourceTable } from '../../components/ResourceTable';
import { SendModal } from '../../components/SendModal';
import { StatusBadge } from '../../components/StatusBadge';
import { exactTime, timeAgo } from '../../components/format';

export const accountName = (account: Pick<Account, 'firstName' | 'username' | 'phone'>) =>
  [account.firstName, account.username ? `@${account.username}` : null].filter(Boolean).join(' ') ||
  account.phone;

export function AccountsPage() {
  const accounts = useAccounts();
  const reconnect = useReconnectAccount();
  const remove = useRemoveAccount();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Accounts</Title>
        <Button component={Link} to="/accounts/connect">
          Connect account
        </Button>
      </Group>
      <ProblemAlert error={reconnect.error ?? remove.error} />
      <ResourceTable
        query={accounts}
        label="Telegram accounts"
        columns={['Account', 'Phone', 'Status', 'Last seen']}
        minWidth={720}
        empty={{
          title: 'No Telegram accounts yet',
          hint: 'Connect one by QR code or by phone number to send as a person and post to the channels it runs.',
        }}
        row={(account) => (
          <Table.Tr key={account.id}>
            <Table.Td>{accountName(account)}</Table.Td>
            <Table.Td>{account.phone}</Table.Td>
            <Table.Td>
              <Stack gap={2}>
                <StatusBadge status={account.status} />
                {account.lastError && (
                  <Text size="xs" c="red">
                    {account.lastError}
                  </Text>
                )}
              </Stack>
            </Table.Td>
            <Table.Td>
              <Tooltip label={exactTime(account.lastSeenAt)} disabled={!account.lastSeenAt}>
                <span>{timeAgo(account.lastSeenAt)}</span>
              </Tooltip>
            </Table.Td>
            <Table.Td>
              <Group gap="xs" justify="flex-end" wrap="nowrap">
                <SendModal
                  title={`Send as ${accountName(account)}`}
                  target={{ kind: 'account', id: account.id }}
                  recipient={{
                    label: 'To',
                    placeholder: '@username, +phone of a contact, or chat id',
                  }}
                />
                {account.status === 'revoked' && (
                  <Button component={Link} to="/accounts/connect" size="xs" variant="light" color="orange">
                    Sign in again
                  </Button>
                )}
                {(account.status === 'error' || account.status === 'connecting') && (
                  <Button
                    size="xs"
                    variant="light"
                    color="orange"
                    loading={reconnect.isPending && reconnect.variables === account.id}
                    onClick={() => reconnect.mutate(account.id)}
                  >
                    Reconnect
                  </Button>
                )}
                <ConfirmButton
                  label="Remove"
                  ariaLabel={`Remove ${accountName(account)}`}
                  question={`Remove ${accountName(account)}? The session ends in Telegram too, and its channels stop working.`}
                  confirmLabel="Remove account"
                  loading={remove.isPending && remove.variables === account.id}
                  onConfirm={() => remove.mutate(account.id)}
                />
              </Group>
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
