import { type CSSVariablesResolver, Loader, MantineProvider, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { ApiError } from './api/client';
import { SignIn } from './auth/SignIn';
import { useToken } from './auth/token-store';
import { AccountsPage } from './features/accounts/AccountsPage';
import { ConnectAccount } from './features/accounts/ConnectAccount';
import { ActivityPage } from './features/activity/ActivityPage';
import { BotsPage } from './features/bots/BotsPage';
import { ChannelsPage } from './features/channels/ChannelsPage';
import { Layout } from './Layout';

// The charts (recharts) are most of the bundle; only the statistics screen needs them.
const StatsPage = lazy(() => import('./features/stats/StatsPage').then((m) => ({ default: m.StatsPage })));

// Blue 7 on white passes WCAG AA for text, where Mantine's default blue 6 does not.
const theme = createTheme({ primaryColor: 'blue', primaryShade: { light: 7, dark: 5 } });
// Mantine's dimmed grey (gray 6) is 3.3:1 on white; gray 7 reaches 4.5:1 for small text.
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // A 4xx will not get better by asking again; a dropped connection might.
        retry: (count, error) =>
          count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
    },
  });
}

export function AppRoutes() {
  const token = useToken();
  if (!token) return <SignIn />;
  return (
    <Routes>
      <Route element={<Layout token={token} />}>
        <Route path="/accounts" element={<AccountsPage />} />
        <Route path="/accounts/connect" element={<ConnectAccount />} />
        <Route path="/bots" element={<BotsPage />} />
        <Route path="/channels" element={<ChannelsPage />} />
        <Route path="/activity" element={<ActivityPage />} />
        <Route
          path="/stats"
          element={
            <Suspense fallback={<Loader aria-label="Loading" m="xl" />}>
              <StatsPage />
            </Suspense>
          }
        />
        <Route path="*" element={<Navigate to="/accounts" replace />} />
      </Route>
    </Routes>
  );
}

export function App({ client }: { client?: QueryClient }) {
  const [queryClient] = useState(() => client ?? makeQueryClient());
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" limit={4} />
      <QueryClientProvider client={queryClient}>
        <AppRoutes />
      </QueryClientProvider>
    </MantineProvider>
  );
}
