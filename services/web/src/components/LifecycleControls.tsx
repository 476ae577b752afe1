import { Button, Group, Popover, Stack, Switch, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { useUpdateIntegration } from '../api/queries';

interface Pausable {
  id: string;
  isActive: boolean;
  label: string | null;
}

/**
 * A list row's own switch (active or paused) and its label: pausing keeps the integration (a bot's token, an
 * account's session) but stops it; the label is the user's name for it, shown beside Telegram's.
 */
export function LifecycleControls({
  item,
  name,
  update,
}: {
  item: Pausable;
  /** How the row is named elsewhere on screen (`@shop_bot`), for the controls' accessible names. */
  name: string;
  update: ReturnType<typeof useUpdateIntegration>;
}) {
  const [opened, setOpened] = useState(false);
  const [label, setLabel] = useState(item.label ?? '');
  const busy = update.isPending && update.variables?.id === item.id;
  return (
    <Group gap="xs" wrap="nowrap">
      <Switch
        size="sm"
        label="Active"
        aria-label={`Active: ${name}`}
        checked={item.isActive}
        disabled={busy}
        onChange={() => update.mutate({ id: item.id, patch: { isActive: !item.isActive } })}
      />
      <Popover
        opened={opened}
        onChange={setOpened}
        trapFocus
        position="bottom-end"
        withArrow
        onOpen={() => setLabel(item.label ?? '')}
      >
        <Popover.Target>
          <Button
            size="xs"
            variant="default"
            aria-label={`Label ${name}`}
            onClick={() => setOpened((o) => !o)}
          >
            Label
          </Button>
        </Popover.Target>
        <Popover.Dropdown>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              update.mutate(
                { id: item.id, patch: { label: label.trim() || null } },
                { onSuccess: () => setOpened(false) },
              );
            }}
          >
            <Stack gap="xs">
              <TextInput
                label={`Your name for ${name}`}
                description="Leave it empty to use Telegram's name."
                value={label}
                maxLength={100}
                onChange={(e) => setLabel(e.currentTarget.value)}
                data-autofocus
              />
              <Group justify="flex-end">
                <Button type="submit" size="xs" loading={busy}>
                  Save
                </Button>
              </Group>
            </Stack>
          </form>
        </Popover.Dropdown>
      </Popover>
    </Group>
  );
}
