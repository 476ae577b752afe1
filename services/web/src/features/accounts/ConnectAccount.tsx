import type { Flow } from '@integrations/contracts';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  List,
  Loader,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { normalisePhone, PHONE } from '../../api/field-errors';
import { explain } from '../../api/problems';
import { cancelFlow, isWaiting, useConnect, useFlow, useFlowStep, useResendCode } from '../../api/queries';
import { ProblemAlert } from '../../components/ProblemAlert';
import { QrImage } from './QrImage';

type Method = 'qr' | 'code';

/** Seconds left until `iso`, ticking once a second. */
function useSecondsLeft(iso: string | undefined): number | null {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!iso) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return iso ? Math.max(0, Math.round((new Date(iso).getTime() - now) / 1000)) : null;
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/**
 * Connects a Telegram account by QR or by phone → code → 2FA password. The flow lives on the server; this screen
 * polls it, so a scan on the phone shows up here within a second and a refreshed QR replaces the old one. Its id
 * is in the URL (`?flow=…`): a reload, or the same link in another tab, picks the flow up where it was.
 */
export function ConnectAccount() {
  const [method, setMethod] = useState<Method>('qr');
  const [params, setParams] = useSearchParams();
  const flowId = params.get('flow');
  const setFlowId = (id: string | null) => setParams(id ? { flow: id } : {}, { replace: false });
  const connect = useConnect();
  const flowQuery = useFlow(flowId);
  const flow = flowQuery.data ?? (connect.data?.flowId === flowId ? connect.data : undefined);
  const client = useQueryClient();

  useEffect(() => {
    if (flow?.status === 'active') void client.invalidateQueries({ queryKey: ['accounts'] });
  }, [flow?.status, client]);

  const restart = () => {
    if (flowId && flow && isWaiting(flow)) void cancelFlow(flowId).catch(() => undefined);
    setFlowId(null);
    connect.reset();
  };

  return (
    <Stack maw={560}>
      <Title order={2}>Connect a Telegram account</Title>
      <Text c="dimmed">
        The account will be able to send messages and post to channels it administers. You can remove it at
        any time; that also ends the session in Telegram.
      </Text>
      {!flowId && (
        <Card withBorder>
          <Stack>
            <SegmentedControl
              aria-label="How to connect"
              value={method}
              onChange={(value) => setMethod(value as Method)}
              data={[
                { value: 'qr', label: 'QR code' },
                { value: 'code', label: 'Phone number' },
              ]}
            />
            {method === 'qr' ? (
              <Button
                onClick={() =>
                  connect.mutate({ method: 'qr' }, { onSuccess: (started) => setFlowId(started.flowId) })
                }
                loading={connect.isPending}
              >
                Show QR code
              </Button>
            ) : (
              <PhoneForm
                pending={connect.isPending}
                onSubmit={(phone) =>
                  connect.mutate(
                    { method: 'code', phone },
                    { onSuccess: (started) => setFlowId(started.flowId) },
                  )
                }
              />
            )}
            <ProblemAlert error={connect.error} />
          </Stack>
        </Card>
      )}
      {flowId && !flow && flowQuery.isPending && <Loader aria-label="Loading the sign-in" />}
      {flow && <FlowStep flow={flow} onRestart={restart} />}
      {flowQuery.isError && (
        <Stack align="flex-start">
          <ProblemAlert error={flowQuery.error} />
          <Button onClick={restart}>Start again</Button>
        </Stack>
      )}
    </Stack>
  );
}

function PhoneForm({ pending, onSubmit }: { pending: boolean; onSubmit: (phone: string) => void }) {
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const normal = normalisePhone(phone);
        // Checked here first: a number without its country code is a typo to fix, not a question for Telegram.
        if (!PHONE.test(normal)) {
          setError(
            'Use the international format: a + and the country code, then the number, e.g. +4915112345678.',
          );
          return;
        }
        onSubmit(normal);
      }}
    >
      <Stack>
        <TextInput
          label="Phone number"
          description="In international format, with the country code"
          placeholder="+4915112345678"
          type="tel"
          autoComplete="tel"
          value={phone}
          onChange={(e) => {
            setPhone(e.currentTarget.value);
            setError(null);
          }}
          error={error}
          required
        />
        <Button type="submit" loading={pending} disabled={!phone.trim()}>
          Send me a code
        </Button>
      </Stack>
    </form>
  );
}

function FlowStep({ flow, onRestart }: { flow: Flow; onRestart: () => void }) {
  const qrSeconds = useSecondsLeft(flow.qr?.expiresAt);
  switch (flow.status) {
    case 'awaiting_qr_scan':
      return (
        <Card withBorder>
          <Stack align="center">
            {flow.qr && <QrImage url={flow.qr.url} />}
            <List type="ordered" size="sm">
              <List.Item>Open Telegram on your phone.</List.Item>
              <List.Item>Go to Settings → Devices → Link Desktop Device.</List.Item>
              <List.Item>Point your phone at this code.</List.Item>
            </List>
            <Text size="sm" c="dimmed" aria-live="polite">
              {qrSeconds !== null && qrSeconds > 0
                ? `This code renews itself in ${qrSeconds} s; keep this page open.`
                : 'Renewing the code…'}
            </Text>
            {flow.qr && (
              <Anchor href={flow.qr.url} size="sm" data-testid="qr-link">
                On this phone? Open the login link in Telegram
              </Anchor>
            )}
            <Button variant="default" onClick={onRestart}>
              Cancel
            </Button>
          </Stack>
        </Card>
      );
    case 'awaiting_code':
      return <SecretStep flow={flow} step="code" onRestart={onRestart} />;
    case 'awaiting_password':
      return <SecretStep flow={flow} step="password" onRestart={onRestart} />;
    case 'active':
      return (
        <Alert color="green" title="Account connected" role="status">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">The account is ready to send.</Text>
            <Group>
              <Button component={Link} to="/accounts" size="xs">
                Go to accounts
              </Button>
              <Button variant="default" size="xs" onClick={onRestart}>
                Connect another
              </Button>
            </Group>
          </Stack>
        </Alert>
      );
    default:
      return (
        <Alert
          color="red"
          title={flow.status === 'expired' ? 'This sign-in attempt has expired' : 'Connecting failed'}
          role="alert"
        >
          <Stack gap="xs" align="flex-start">
            {flow.error && (
              <>
                <Text size="sm">{explain(flow.error.code)}</Text>
                <Text size="sm" c="dimmed">
                  {flow.error.detail}
                </Text>
              </>
            )}
            <Button size="xs" onClick={onRestart}>
              Start again
            </Button>
          </Stack>
        </Alert>
      );
  }
}

function SecretStep({
  flow,
  step,
  onRestart,
}: {
  flow: Flow;
  step: 'code' | 'password';
  onRestart: () => void;
}) {
  const [value, setValue] = useState('');
  const submit = useFlowStep();
  const resend = useResendCode();
  const isCode = step === 'code';
  const secondsLeft = useSecondsLeft(flow.expiresAt);
  return (
    <Card withBorder>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit.mutate({ flowId: flow.flowId, step, value }, { onSettled: () => setValue('') });
        }}
      >
        <Stack>
          {isCode ? (
            <TextInput
              label="Login code"
              description={
                flow.codeType === 'sms'
                  ? 'Telegram sent the code by SMS.'
                  : 'Telegram sent the code to your Telegram app (look for a message from Telegram).'
              }
              inputMode="numeric"
              autoComplete="one-time-code"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              required
              data-autofocus
            />
          ) : (
            <PasswordInput
              label="Two-step verification password"
              description={
                flow.passwordHint ? `Hint: ${flow.passwordHint}` : 'This account has a cloud password.'
              }
              autoComplete="current-password"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              required
            />
          )}
          {isCode && (
            <Group justify="space-between" gap="xs">
              <Text size="sm" aria-live="polite" data-testid="code-expiry">
                {secondsLeft ? `The code works for ${clock(secondsLeft)} more.` : 'The code has expired.'}
              </Text>
              <Button
                variant="subtle"
                size="xs"
                loading={resend.isPending}
                onClick={() => resend.mutate(flow.flowId, { onSuccess: () => setValue('') })}
              >
                Send the code again
              </Button>
            </Group>
          )}
          {resend.isSuccess && !resend.isPending && (
            <Text size="sm" role="status">
              A new code is on its way{flow.codeType === 'sms' ? ' by SMS' : ''}; the previous one no longer
              works.
            </Text>
          )}
          <ProblemAlert error={submit.error ?? resend.error} />
          <Group justify="space-between">
            <Button variant="default" onClick={onRestart}>
              Cancel
            </Button>
            <Button type="submit" loading={submit.isPending} disabled={!value}>
              {isCode ? 'Confirm code' : 'Confirm password'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
