import type { WhatsAppNumber } from '@integrations/contracts';
import { Badge, Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { PAUSED, useList, useUpdateIntegration } from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Dialog } from '../../components/Dialog';
import { LifecycleControls } from '../../components/LifecycleControls';
import { ListFilters, useListFilters } from '../../components/ListFilters';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ResourceList } from '../../components/ResourceList';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeAgo } from '../../components/TimeAgo';
import { useConnectNumber, useRemoveNumber } from './queries';
import { WhatsAppSendForm } from './WhatsAppSendForm';

const STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'revoked', label: 'Token revoked' },
  { value: PAUSED, label: 'Paused' },
];

/** Meta's quality rating of a number, as a word (the colour only repeats it). */
const QUALITY: Record<WhatsAppNumber['qualityRating'], { color: string; label: string }> = {
  GREEN: { color: 'green', label: 'High' },
  YELLOW: { color: 'yellow', label: 'Medium' },
  RED: { color: 'red', label: 'Low' },
  UNKNOWN: { color: 'gray', label: 'Unknown' },
};

export const numberName = (n: Pick<WhatsAppNumber, 'displayPhoneNumber'>) => n.displayPhoneNumber;

function ConnectNumberForm() {
  const [phoneNumberId, setPhoneNumberId] = useState('');
  const [accessToken, setAccessToken] = useState('');
  const [appSecret, setAppSecret] = useState('');
  const connect = useConnectNumber();
  return (
    <Card withBorder>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          connect.mutate(
            {
              phoneNumberId: phoneNumberId.trim(),
              accessToken: accessToken.trim(),
              appSecret: appSecret.trim(),
            },
            {
              onSuccess: () => {
                setPhoneNumberId('');
                setAccessToken('');
                setAppSecret('');
              },
            },
          );
        }}
      >
        <Stack>
          <TextInput
            label="Phone number id"
            description="Meta's id of the business phone number (WhatsApp Manager, API setup)."
            placeholder="1234567890"
            value={phoneNumberId}
            onChange={(e) => setPhoneNumberId(e.currentTarget.value)}
            inputMode="numeric"
            pattern="[0-9]{1,20}"
            required
          />
          <Group grow align="start">
            <PasswordInput
              label="Access token"
              description="A system-user token that can send for the number. Stored encrypted, never shown again."
              value={accessToken}
              onChange={(e) => setAccessToken(e.currentTarget.value)}
              autoComplete="off"
              required
            />
            <PasswordInput
              label="App secret"
              description="Meta signs its webhooks with it; we check every one. Stored encrypted."
              value={appSecret}
              onChange={(e) => setAppSecret(e.currentTarget.value)}
              autoComplete="off"
              required
            />
          </Group>
          <ProblemAlert error={connect.error} />
          {connect.data && (
            <Text role="status">
              {connect.data.displayPhoneNumber} ({connect.data.verifiedName}) is connected.
            </Text>
          )}
          <Group justify="flex-end">
            <Button
              type="submit"
              loading={connect.isPending}
              disabled={!phoneNumberId.trim() || !accessToken.trim() || !appSecret.trim()}
            >
              Connect number
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function SendButton({ number }: { number: WhatsAppNumber }) {
  const [opened, { open, close }] = useDisclosure(false);
  const title = `Send from ${numberName(number)}`;
  return (
    <>
      <Button variant="light" size="xs" onClick={open} aria-label={title}>
        Send
      </Button>
      <Dialog opened={opened} onClose={close} title={title} size="lg">
        <WhatsAppSendForm numberId={number.id} />
      </Dialog>
    </>
  );
}

export function WhatsAppPage() {
  const [filters, setFilters] = useListFilters();
  const numbers = useList('whatsapp', filters);
  const remove = useRemoveNumber();
  const update = useUpdateIntegration('whatsapp');
  return (
    <Stack>
      <Title order={2}>WhatsApp</Title>
      <ConnectNumberForm />
      <ListFilters
        filters={filters}
        onChange={setFilters}
        statuses={STATUSES}
        searchLabel="numbers"
        placeholder="Number or business name"
      />
      <ProblemAlert error={update.error ?? remove.error} />
      <ResourceList
        query={numbers}
        label="WhatsApp numbers"
        columns={[
          {
            label: 'Number',
            render: (n) => (
              <>
                <Text fw={500}>{n.label ?? numberName(n)}</Text>
                <Text size="xs" c="dimmed">
                  {n.label ? `${numberName(n)} · ${n.verifiedName}` : n.verifiedName}
                </Text>
              </>
            ),
          },
          { label: 'Status', render: (n) => <StatusBadge status={n.isActive ? n.status : PAUSED} /> },
          {
            label: 'Quality',
            render: (n) => (
              <Badge color={QUALITY[n.qualityRating].color} variant="light" tt="none" miw="max-content">
                {QUALITY[n.qualityRating].label}
              </Badge>
            ),
          },
          {
            label: 'Delivery reports',
            render: (n) =>
              n.webhookUrl ? (
                'Subscribed'
              ) : (
                <Text size="sm" c="red">
                  Not subscribed{n.lastError ? `: ${n.lastError}` : ''}
                </Text>
              ),
          },
          { label: 'Added', render: (n) => <TimeAgo iso={n.createdAt} /> },
        ]}
        title={(n) => `${numberName(n)} · ${n.verifiedName}`}
        empty={{
          title: filters.q || filters.status ? 'No number matches' : 'No WhatsApp numbers yet',
          hint:
            filters.q || filters.status
              ? 'Try another search or status.'
              : 'Connect a WhatsApp Business number to send templates and reply to customers.',
        }}
        actions={(n) => (
          <>
            <LifecycleControls item={n} name={numberName(n)} update={update} />
            <SendButton number={n} />
            <ConfirmButton
              label="Remove"
              ariaLabel={`Remove ${numberName(n)}`}
              question={`Remove ${numberName(n)}? Its access token and app secret are erased here; nothing changes at Meta.`}
              confirmLabel="Remove number"
              loading={remove.isPending && remove.variables === n.id}
              onConfirm={() => remove.mutate(n.id)}
            />
          </>
        )}
      />
    </Stack>
  );
}
