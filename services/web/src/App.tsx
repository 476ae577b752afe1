import { Loader, MantineProvider } from '@mantine/core';
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
import { ChannelPage } from './features/channels/ChannelPage';
import { ChannelsPage } from './features/channels/ChannelsPage';
import { WebhooksPage } from './features/webhooks/WebhooksPage';
import { WhatsAppPage } from './features/whatsapp/WhatsAppPage';
import { Layout } from './Layout';
import { cssVariablesResolver, theme } from './theme/theme';

// The charts (recharts) are most of the bundle; only the statistics screen needs them.
const StatsPage = lazy(() => import('./features/stats/StatsPage').then((m) => ({ default: m.StatsPage })));

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
        <Route path="/channels/:id" element={<ChannelPage />} />
        <Route path="/whatsapp" element={<WhatsAppPage />} />
        <Route path="/webhooks" element={<WebhooksPage />} />
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
      {/* Bottom left: clear of the header's buttons and of every dialog's close button. */}
      <Notifications position="bottom-left" limit={4} />
      <QueryClientProvider client={queryClient}>
        <AppRoutes />
      </QueryClientProvider>
    </MantineProvider>
  );
}
