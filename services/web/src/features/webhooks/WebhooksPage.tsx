import type { Webhook, WebhookCreated } from '@integrations/contracts';
import {
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  MultiSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import {
  useCreateWebhook,
  useDeliveries,
  useRedeliver,
  useRemoveWebhook,
  useWebhooks,
} from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Dialog } from '../../components/Dialog';
import { ProblemAlert } from '../../components/ProblemAlert';
import { QueryState } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeAgo } from '../../components/TimeAgo';

/** Routing-key patterns a marketer may want, in words; `*` is one word, `#` any number. */
export const EVENT_CHOICES = [
  { value: 'telegram.#', label: 'Everything from Telegram' },
  { value: 'telegram.message.*', label: 'Messages sent, failed and received' },
  { value: 'telegram.message.received', label: 'Messages received' },
  { value: 'telegram.message.failed', label: 'Messages that failed' },
  { value: 'telegram.account.*', label: 'Accounts connected, disconnected, session errors' },
  { value: 'telegram.bot.*', label: 'Bots connected and removed' },
  { value: 'telegram.channel.*', label: 'Channels attached, removed, posting refused' },
];

function CreateWebhook({ onCreated }: { onCreated: (created: WebhookCreated) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['telegram.message.*']);
  const [urlError, setUrlError] = useState<string | null>(null);
  const create = useCreateWebhook();
  return (
    <Card withBorder>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!/^https?:\/\/[^\s/]+/.test(url.trim())) {
            setUrlError('Give the full address of your endpoint, starting with https://.');
            return;
          }
          create.mutate(
            { url: url.trim(), events },
            {
              onSuccess: (created) => {
                setUrl('');
                onCreated(created);
              },
            },
          );
        }}
      >
        <Stack>
          <Group grow align="start">
            <TextInput
              label="Endpoint URL"
              description="Where each event is POSTed, signed per the Standard Webhooks spec"
              placeholder="https://example.com/hooks/telegram"
              value={url}
              onChange={(e) => {
                setUrl(e.currentTarget.value);
                setUrlError(null);
              }}
              error={urlError}
              required
            />
            <MultiSelect
              label="Events"
              description="What to send there"
              data={EVENT_CHOICES}
              value={events}
              onChange={setEvents}
              required
            />
          </Group>
          <ProblemAlert error={create.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending} disabled={!url.trim() || events.length === 0}>
              Add webhook
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The signing secret exists in this answer only: shown once, with a copy button, and never again. */
function SecretOnce({ created, onClose }: { created: WebhookCreated | null; onClose: () => void }) {
  return (
    <Dialog opened={created !== null} onClose={onClose} title="Your signing secret">
      {created && (
        <Stack>
          <Text>
            Verify each delivery to <Code>{created.url}</Code> with this secret. It is shown now and never
            again; keep it in your receiver&apos;s configuration.
          </Text>
          <Code block data-testid="webhook-secret">
            {created.secret ?? 'Shown in the first answer only: delete the webhook and create it again.'}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={created.secret ?? ''}>
              {({ copied, copy }) => (
                <Button variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy the secret'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose} data-autofocus>
              I have kept it
            </Button>
          </Group>
        </Stack>
      )}
    </Dialog>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const deliveries = useDeliveries(webhook.id);
  const redeliver = useRedeliver();
  return (
    <QueryState
      query={deliveries}
      isEmpty={(page) => page.items.length === 0}
      empty={{ title: 'No deliveries yet', hint: 'Each matching event is delivered here as it happens.' }}
    >
      {(page) => (
        <Stack gap="xs">
          <ProblemAlert error={redeliver.error} />
          <Table aria-label={`Deliveries to ${webhook.url}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Event</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.items.map((delivery) => (
                <Table.Tr key={delivery.id}>
                  <Table.Td>
                    <Text size="sm">{delivery.eventType}</Text>
                    <Text size="xs" c="dimmed">
                      <TimeAgo iso={delivery.createdAt} />
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={delivery.status} />
                  </Table.Td>
                  <Table.Td>
                    {delivery.attempts.length === 0
                      ? 'none yet'
                      : delivery.attempts
                          .map(
                            (a) =>
                              `#${a.attempt}: ${a.statusCode ? `HTTP ${a.statusCode}` : (a.error ?? 'no answer')} in ${a.durationMs} ms`,
                          )
                          .join('; ')}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      disabled={webhook.status !== 'active'}
                      loading={redeliver.isPending && redeliver.variables?.delivery.id === delivery.id}
                      onClick={() => redeliver.mutate({ webhook, delivery })}
                      aria-label={`Send again: ${delivery.eventType}`}
                    >
                      Send again
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </QueryState>
  );
}

function WebhookCard({ webhook }: { webhook: Webhook }) {
  const [open, { toggle }] = useDisclosure(false);
  const remove = useRemoveWebhook();
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Text fw={600} style={{ wordBreak: 'break-all' }}>
            {webhook.url}
          </Text>
          <StatusBadge status={webhook.status} />
        </Group>
        <Text size="sm">
          {webhook.events
            .map((pattern) => EVENT_CHOICES.find((c) => c.value === pattern)?.label ?? pattern)
            .join(' · ')}
        </Text>
        <Text size="xs" c="dimmed">
          <TimeAgo iso={webhook.createdAt} prefix="added" />
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={toggle} aria-expanded={open}>
            {open ? 'Hide deliveries' : 'Show deliveries'}
          </Button>
          <ConfirmButton
            label="Remove"
            ariaLabel={`Remove the webhook to ${webhook.url}`}
            question={`Stop sending events to ${webhook.url}? Its delivery log is removed too.`}
            confirmLabel="Remove webhook"
            loading={remove.isPending}
            onConfirm={() => remove.mutate(webhook.id)}
          />
        </Group>
        <ProblemAlert error={remove.error} />
        {open && <Deliveries webhook={webhook} />}
      </Stack>
    </Card>
  );
}

export function WebhooksPage() {
  const webhooks = useWebhooks();
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  return (
    <Stack>
      <Title order={2}>Webhooks</Title>
      <Text c="dimmed">
        Send events to your own systems as they happen. Each delivery is signed, retried for about a day, and
        listed here with its attempts.
      </Text>
      <CreateWebhook onCreated={setCreated} />
      <SecretOnce created={created} onClose={() => setCreated(null)} />
      <QueryState
        query={webhooks}
        isEmpty={(page) => page.items.length === 0}
        empty={{ title: 'No webhooks yet', hint: 'Add one above to receive events at your endpoint.' }}
      >
        {(page) => (
          <Stack>
            {page.items.map((webhook) => (
              <WebhookCard key={webhook.id} webhook={webhook} />
            ))}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
