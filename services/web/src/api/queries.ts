import type {
  Account,
  AccountPage,
  Bot,
  BotPage,
  Channel,
  ChannelPage,
  Flow,
  LogEntryPage,
  LogsQuery,
  Message,
  MessageStats,
  SendRequest,
  Via,
} from '@integrations/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, newIdempotencyKey } from './client';

export const keys = {
  accounts: ['accounts'] as const,
  bots: ['bots'] as const,
  channels: ['channels'] as const,
  logs: (filters: Partial<LogsQuery>) => ['logs', filters] as const,
  stats: (days: number) => ['stats', days] as const,
  flow: (flowId: string) => ['flow', flowId] as const,
};

// The lists are short (a user's own integrations); one page of 100 covers them, and the UI says so if not.
const LIST = '?limit=100';

export const useAccounts = () =>
  useQuery({
    queryKey: keys.accounts,
    queryFn: ({ signal }) => apiRequest<AccountPage>(`/telegram/accounts${LIST}`, { signal }),
  });
export const useBots = () =>
  useQuery({
    queryKey: keys.bots,
    queryFn: ({ signal }) => apiRequest<BotPage>(`/telegram/bots${LIST}`, { signal }),
  });
export const useChannels = () =>
  useQuery({
    queryKey: keys.channels,
    queryFn: ({ signal }) => apiRequest<ChannelPage>(`/telegram/channels${LIST}`, { signal }),
  });

export function useLogs(filters: Partial<LogsQuery>, cursor: string | null) {
  const params = new URLSearchParams({ limit: '25' });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, String(value));
  if (cursor) params.set('cursor', cursor);
  return useQuery({
    queryKey: [...keys.logs(filters), cursor],
    queryFn: ({ signal }) => apiRequest<LogEntryPage>(`/logs?${params}`, { signal }),
  });
}

export const useStats = (days: number) =>
  useQuery({
    queryKey: keys.stats(days),
    queryFn: ({ signal }) => apiRequest<MessageStats>(`/stats/messages?days=${days}`, { signal }),
  });

/** Polls a connect flow while it waits for the user; stops once it has an end. */
export const useFlow = (flowId: string | null) =>
  useQuery({
    queryKey: keys.flow(flowId ?? ''),
    enabled: flowId !== null,
    queryFn: ({ signal }) => apiRequest<Flow>(`/telegram/connect/${flowId}`, { signal }),
    refetchInterval: (query) => (isWaiting(query.state.data) ? 1000 : false),
  });

export const isWaiting = (flow: Flow | undefined) =>
  flow !== undefined && ['awaiting_qr_scan', 'awaiting_code', 'awaiting_password'].includes(flow.status);

export function useConnect() {
  return useMutation({
    mutationFn: (body: { method: 'qr' } | { method: 'code'; phone: string }) =>
      apiRequest<Flow>('/telegram/connect', { method: 'POST', body, idempotencyKey: newIdempotencyKey() }),
  });
}

export function useFlowStep() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ flowId, step, value }: { flowId: string; step: 'code' | 'password'; value: string }) =>
      apiRequest<Flow>(`/telegram/connect/${flowId}/${step}`, {
        method: 'POST',
        body: step === 'code' ? { code: value } : { password: value },
      }),
    onSuccess: (flow) => client.setQueryData(keys.flow(flow.flowId), flow),
  });
}

export const cancelFlow = (flowId: string) =>
  apiRequest<void>(`/telegram/connect/${flowId}`, { method: 'DELETE' });

/** A change to one list: afterwards that list (and the statistics) are fetched again. */
function useListChange<V, R>(list: readonly string[], fn: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: list }),
        client.invalidateQueries({ queryKey: ['stats'] }),
      ]),
  });
}

export const useReconnectAccount = () =>
  useListChange(keys.accounts, (id: string) =>
    apiRequest<Account>(`/telegram/accounts/${id}/reconnect`, { method: 'POST' }),
  );
export const useRemoveAccount = () =>
  useListChange(keys.accounts, (id: string) =>
    apiRequest<void>(`/telegram/accounts/${id}`, { method: 'DELETE' }),
  );
export const useAddBot = () =>
  useListChange(keys.bots, (token: string) =>
    apiRequest<Bot>('/telegram/bots', {
      method: 'POST',
      body: { token },
      idempotencyKey: newIdempotencyKey(),
    }),
  );
export const useRemoveBot = () =>
  useListChange(keys.bots, (id: string) => apiRequest<void>(`/telegram/bots/${id}`, { method: 'DELETE' }));
export const useAttachChannel = () =>
  useListChange(keys.channels, (body: { chat: string; via: Via }) =>
    apiRequest<Channel>('/telegram/channels', { method: 'POST', body, idempotencyKey: newIdempotencyKey() }),
  );
export const useRemoveChannel = () =>
  useListChange(keys.channels, (id: string) =>
    apiRequest<void>(`/telegram/channels/${id}`, { method: 'DELETE' }),
  );

export type SendTarget =
  | { kind: 'bot'; id: string; chatId: string }
  | { kind: 'account'; id: string; to: string }
  | { kind: 'channel'; id: string };

/** One send; the idempotency key is made once per submitted form, so a retry of that submit cannot send twice. */
export function useSend() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      target,
      message,
      idempotencyKey,
    }: {
      target: SendTarget;
      message: SendRequest;
      idempotencyKey: string;
    }) => {
      const path =
        target.kind === 'bot'
          ? `/telegram/bots/${target.id}/send`
          : target.kind === 'account'
            ? `/telegram/accounts/${target.id}/send`
            : `/telegram/channels/${target.id}/send`;
      const body =
        target.kind === 'bot'
          ? { ...message, chatId: target.chatId }
          : target.kind === 'account'
            ? { ...message, to: target.to }
            : message;
      return apiRequest<Message>(path, { method: 'POST', body, idempotencyKey });
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['stats'] }),
  });
}
