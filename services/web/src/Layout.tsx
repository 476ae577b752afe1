import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { describeToken, setToken } from './auth/token-store';
import { LiveEvents } from './live/LiveEvents';

const NAV = [
  { to: '/accounts', label: 'Accounts' },
  { to: '/bots', label: 'Bots' },
  { to: '/channels', label: 'Channels and groups' },
  { to: '/whatsapp', label: 'WhatsApp' },
  { to: '/activity', label: 'Activity' },
  { to: '/stats', label: 'Statistics' },
  { to: '/webhooks', label: 'Webhooks' },
];

export function Layout({ token }: { token: string }) {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const who = describeToken(token);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Open the menu"
              aria-expanded={opened}
            />
            <Title order={1} size="h4">
              Integrations
            </Title>
            <LiveEvents token={token} />
          </Group>
          <Group gap="sm" wrap="nowrap">
            {who?.subject && (
              <Text size="sm" c="dimmed" visibleFrom="sm">
                {who.subject}
              </Text>
            )}
            <Button variant="default" size="xs" onClick={() => setToken(null)}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          {NAV.map((item) => (
            <NavLink
              key={item.to}
              component={RouterLink}
              to={item.to}
              label={item.label}
              active={location.pathname.startsWith(item.to)}
              onClick={close}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
