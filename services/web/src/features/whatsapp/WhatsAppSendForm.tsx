import type { WhatsAppSendBody } from '@integrations/contracts';
import { Button, Group, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { newIdempotencyKey } from '../../api/client';
import { explain } from '../../api/problems';
import { ProblemAlert } from '../../components/ProblemAlert';
import { StatusBadge } from '../../components/StatusBadge';
import { useWhatsAppMessage, useWhatsAppSend } from './queries';

/** A WhatsApp user's number in international form: digits, optionally with a leading +. */
const PHONE = /^\+?[1-9][0-9]{6,14}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/;

/**
 * Sends a free-form text (only inside the customer's 24-hour window) or an approved template, then shows the
 * message's delivery state as Meta reports it, live.
 */
export function WhatsAppSendForm({ numberId }: { numberId: string }) {
  const [kind, setKind] = useState<'text' | 'template'>('template');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState('en_US');
  const [parameters, setParameters] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const send = useWhatsAppSend();
  const message = useWhatsAppMessage(send.data?.id);
  const current = message.data ?? send.data;
  // Any change makes another message: it must not replay the answer the last one got.
  const change = (set: (value: string) => void) => (value: string) => {
    set(value);
    setFormError(null);
    setKey(newIdempotencyKey());
  };

  const body = (): WhatsAppSendBody => {
    const recipient = to.trim().replace(/^\+/, '');
    if (kind === 'text') return { to: recipient, text };
    const values = parameters
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return {
      to: recipient,
      template: {
        name: name.trim(),
        language: language.trim(),
        ...(values.length
          ? {
              components: [
                { type: 'body', parameters: values.map((value) => ({ type: 'text', text: value })) },
              ],
            }
          : {}),
      },
    };
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!PHONE.test(to.trim())) {
          setFormError('Give the customer’s number in international form, e.g. +4915112345678.');
          return;
        }
        if (kind === 'template' && !LANGUAGE.test(language.trim())) {
          setFormError('Give the template’s language code, e.g. en_US or de.');
          return;
        }
        send.mutate(
          { numberId, body: body(), idempotencyKey: key },
          { onSuccess: () => setKey(newIdempotencyKey()) },
        );
      }}
    >
      <Stack gap="sm">
        <TextInput
          label="Customer’s WhatsApp number"
          placeholder="+4915112345678"
          value={to}
          onChange={(e) => change(setTo)(e.currentTarget.value)}
          required
          data-autofocus
        />
        <SegmentedControl
          aria-label="Message kind"
          value={kind}
          onChange={(value) => change((v) => setKind(v as 'text' | 'template'))(value)}
          data={[
            { value: 'template', label: 'Template' },
            { value: 'text', label: 'Free-form text' },
          ]}
        />
        {kind === 'text' ? (
          <Textarea
            label="Message"
            description="Only reaches customers who wrote to this number in the last 24 hours."
            value={text}
            onChange={(e) => change(setText)(e.currentTarget.value)}
            required
            minRows={3}
            autosize
            maxLength={4096}
          />
        ) : (
          <>
            <Group grow align="start">
              <TextInput
                label="Template name"
                description="An approved template of this number."
                value={name}
                onChange={(e) => change(setName)(e.currentTarget.value)}
                required
              />
              <TextInput
                label="Language"
                value={language}
                onChange={(e) => change(setLanguage)(e.currentTarget.value)}
                required
              />
            </Group>
            <Textarea
              label="Parameters"
              description="One per line, for the template’s {{1}}, {{2}}… in order."
              value={parameters}
              onChange={(e) => change(setParameters)(e.currentTarget.value)}
              minRows={2}
              autosize
            />
          </>
        )}
        {formError && (
          <Text c="red" size="sm" role="alert">
            {formError}
          </Text>
        )}
        <ProblemAlert error={send.error} />
        {current && (
          <Stack gap={2} role="status" aria-label="Delivery">
            <Group gap="xs">
              <Text size="sm">Delivery:</Text>
              <StatusBadge status={current.status} />
            </Group>
            {current.status === 'failed' && current.error && (
              <Text size="sm">{explain(current.error.code)}</Text>
            )}
          </Stack>
        )}
        <Group justify="flex-end">
          <Button
            type="submit"
            loading={send.isPending}
            disabled={!to.trim() || (kind === 'text' ? !text.trim() : !name.trim())}
          >
            Send
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
