import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ComponentProps } from 'react';
import { Dialog } from './Dialog';
import { SendMessageForm } from './SendMessageForm';

/**
 * A button that opens the send form for one bot, account or channel. Its visible word is the first of its
 * accessible name ("Post" / "Post to Web news"), so speech control users can say what they see.
 */
export function SendModal({ title, ...form }: { title: string } & ComponentProps<typeof SendMessageForm>) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button variant="light" size="xs" onClick={open} aria-label={title}>
        {title.split(' ')[0]}
      </Button>
      <Dialog opened={opened} onClose={close} title={title} size="lg">
        <SendMessageForm {...form} />
      </Dialog>
    </>
  );
}
