import { Anchor, Button, Card, Center, Code, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { apiRequest } from '../api/client';
import { ProblemAlert } from '../components/ProblemAlert';
import { setToken } from './token-store';

/**
 * Development sign-in: paste a token. In production the platform signs the user in and hands the token over,
 * so this screen only appears when there is none.
 */
export function SignIn() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const submit = async () => {
    setPending(true);
    setError(null);
    const token = value.trim();
    try {
      // Any read proves the token; it is kept only once the api has accepted it.
      await apiRequest('/telegram/bots?limit=1', { token });
      setToken(token);
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  };

  return (
    <Center component="main" mih="100vh" p="md">
      <Card withBorder shadow="sm" w="100%" maw={460} p="xl">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Stack>
            <Title order={1} size="h2">
              Integrations
            </Title>
            <Text c="dimmed">Connect Telegram accounts, bots and channels, and see what they send.</Text>
            <PasswordInput
              label="Access token"
              description={
                <>
                  Running locally? <Code>npm start</Code> prints a development token.
                </>
              }
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              required
              autoComplete="off"
            />
            <ProblemAlert error={error} />
            <Button type="submit" loading={pending} disabled={!value.trim()}>
              Sign in
            </Button>
            <Text size="xs" c="dimmed">
              The token stays in this browser tab only.{' '}
              <Anchor href="/api/docs" size="xs">
                API documentation
              </Anchor>
            </Text>
          </Stack>
        </form>
      </Card>
    </Center>
  );
}
