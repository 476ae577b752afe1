import type { Account } from '@integrations/contracts';
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import {
  PAUSED,
  useList,
  useReconnectAccount,
  useRemoveAccount,
  useUpdateIntegration,
} from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { LifecycleControls } from '../../components/LifecycleControls';
import { ListFilters, useListFilters } from '../../components/ListFilters';
import { accountLabel } from '../../components/names';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ResourceList } from '../../components/ResourceList';
import { SendModal } from '../../components/SendModal';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeAgo } from '../../components/TimeAgo';
import { PhoneNumber } from './PhoneNumber';

const STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'connecting', label: 'Connecting' },
  { value: 'error', label: 'Error' },
  { value: 'revoked', label: 'Session ended' },
  { value: PAUSED, label: 'Paused' },
];

export function AccountsPage() {
  const [filters, setFilters] = useListFilters();
  const accounts = useList('accounts', filters);
  const reconnect = useReconnectAccount();
  const remove = useRemoveAccount();
  const update = useUpdateIntegration('accounts');
  const all = accounts.data?.pages.flatMap((page) => page.items) ?? [];
  const name = (account: Account) => accountLabel(account, all);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Accounts</Title>
        <Button component={Link} to="/accounts/connect">
          Connect account
        </Button>
      </Group>
      <ListFilters
        filters={filters}
        onChange={setFilters}
        statuses={STATUSES}
        searchLabel="accounts"
        placeholder="Name, @username or phone digits"
      />
      <ProblemAlert error={update.error ?? reconnect.error ?? remove.error} />
      <ResourceList
        query={accounts}
        label="Telegram accounts"
        columns={[
          {
            label: 'Account',
            render: (account) =>
              account.label ? (
                <>
                  <Text fw={500}>{account.label}</Text>
                  <Text size="xs" c="dimmed">
                    {name(account)}
                  </Text>
                </>
              ) : (
                name(account)
              ),
          },
          { label: 'Phone', render: (account) => <PhoneNumber account={account} name={name(account)} /> },
          {
            label: 'Status',
            render: (account) => (
              <Stack gap={2}>
                <StatusBadge status={account.isActive ? account.status : PAUSED} />
                {account.lastError && (
                  <Text size="xs" c="red">
                    {account.lastError}
                  </Text>
                )}
              </Stack>
            ),
          },
          { label: 'Last seen', render: (account) => <TimeAgo iso={account.lastSeenAt} /> },
        ]}
        title={(account) => name(account)}
        empty={{
          title: filters.q || filters.status ? 'No account matches' : 'No Telegram accounts yet',
          hint:
            filters.q || filters.status
              ? 'Try another search or status.'
              : 'Connect one by QR code or by phone number to send as a person and post to the channels it runs.',
        }}
        actions={(account) => (
          <>
            <LifecycleControls item={account} name={name(account)} update={update} />
            <SendModal
              title={`Send as ${name(account)}`}
              target={{ kind: 'account', id: account.id }}
              recipient={{ label: 'To', placeholder: '@username, +phone of a contact, or chat id' }}
            />
            {!account.isActive ? null : account.status === 'revoked' ? (
              <Button component={Link} to="/accounts/connect" size="xs" variant="light" color="orange">
                Sign in again
              </Button>
            ) : (
              <Button
                size="xs"
                variant="light"
                aria-label={`Reconnect ${name(account)}`}
                loading={reconnect.isPending && reconnect.variables === account.id}
                onClick={() => reconnect.mutate(account.id)}
              >
                Reconnect
              </Button>
            )}
            <ConfirmButton
              label="Remove"
              ariaLabel={`Remove ${name(account)}`}
              question={`Remove ${name(account)}? Its Telegram session is logged out, and the channels and groups attached through it are removed from this list (nothing changes in Telegram itself).`}
              confirmLabel="Remove account"
              loading={remove.isPending && remove.variables === account.id}
              onConfirm={() => remove.mutate(account.id)}
            />
          </>
        )}
      />
    </Stack>
  );
}
