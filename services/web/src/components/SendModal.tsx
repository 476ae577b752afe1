import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ComponentProps } from 'react';
import { Dialog } from './Dialog';
import { SendMessageForm } from './SendMessageForm';

/** A "Send" button that opens the send form for one bot, account or channel. */
export function SendModal({ title, ...form }: { title: string } & ComponentProps<typeof SendMessageForm>) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button variant="light" size="xs" onClick={open} aria-label={title}>
        Send
      </Button>
      <Dialog opened={opened} onClose={close} title={title} size="lg">
        <SendMessageForm {...form} />
      </Dialog>
    </>
  );
}
