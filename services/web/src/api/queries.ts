import type {
  Account,
  Bot,
  Channel,
  Flow,
  LogEntryPage,
  LogsQuery,
  Message,
  MessageStats,
  SendRequest,
  Via,
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookPage,
  WhatsAppNumber,
} from '@integrations/contracts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, newIdempotencyKey } from './client';
import { refresh } from './refresh';

export type ListKind = 'accounts' | 'bots' | 'channels' | 'whatsapp';
export interface ListFilters {
  q?: string;
  status?: string;
}
type ItemOf<K extends ListKind> = K extends 'accounts'
  ? Account
  : K extends 'bots'
    ? Bot
    : K extends 'whatsapp'
      ? WhatsAppNumber
      : Channel;
export type LogFilters = Partial<
  Pick<LogsQuery, 'type' | 'status' | 'action' | 'from' | 'to' | 'resourceId'>
>;

/** Query keys start with the list they belong to, so that invalidating `['channels']` refreshes every view of it. */
export const keys = {
  list: (kind: ListKind, filters: ListFilters) => [kind, 'page', filters] as const,
  directory: (kind: ListKind) => [kind, 'directory'] as const,
  logs: (filters: LogFilters) => ['logs', filters] as const,
  stats: (days: number) => ['stats', days] as const,
  flow: (flowId: string) => ['flow', flowId] as const,
  webhooks: ['webhooks'] as const,
  deliveries: (webhookId: string) => ['webhooks', 'deliveries', webhookId] as const,
};

const PATHS: Record<ListKind, string> = {
  accounts: '/telegram/accounts',
  bots: '/telegram/bots',
  channels: '/telegram/channels',
  whatsapp: '/whatsapp/numbers',
};
export const PAGE_SIZE = 25;

const search = (params: Record<string, string | number | undefined | null>) => {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') out.set(key, String(value));
  return out.toString();
};

/** "Paused" sits among a list's statuses for the user; to the api it is `isActive=false`, not a status. */
const statusParams = (status: string | undefined) => (status === PAUSED ? { isActive: 'false' } : { status });
export const PAUSED = 'paused';

/** One list, page by page (the api's cursor), narrowed by a search text and a status. */
export function useList<K extends ListKind>(kind: K, filters: ListFilters) {
  return useInfiniteQuery({
    queryKey: keys.list(kind, filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      apiRequest<{ items: ItemOf<K>[]; nextCursor: string | null }>(
        `${PATHS[kind]}?${search({ limit: PAGE_SIZE, q: filters.q, ...statusParams(filters.status), cursor: pageParam })}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/**
 * The first 100 of a list, for names and pickers (a channel's title by its id, an account in a select).
 * Items past those are still named by their own lookups where a screen needs them.
 */
export function useDirectory<K extends ListKind>(kind: K) {
  return useQuery({
    queryKey: keys.directory(kind),
    queryFn: ({ signal }) => apiRequest<{ items: ItemOf<K>[] }>(`${PATHS[kind]}?limit=100`, { signal }),
    select: (page) => page.items,
  });
}

export const useChannel = (id: string) =>
  useQuery({
    queryKey: ['channels', 'one', id],
    queryFn: ({ signal }) => apiRequest<Channel>(`/telegram/channels/${id}`, { signal }),
  });

/**
 * A page of the activity log. The first page is asked again every few seconds while on screen: the audit-log
 * records an event a moment after the live stream announces it, so a refetch on the event alone can miss it.
 */
export function useLogs(filters: LogFilters, cursor: string | null, limit = 25) {
  return useQuery({
    refetchInterval: cursor === null ? 5_000 : false,
    queryKey: [...keys.logs(filters), cursor, limit],
    queryFn: ({ signal }) =>
      apiRequest<LogEntryPage>(`/logs?${search({ limit, ...filters, cursor })}`, { signal }),
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

/** "Send the code again": Telegram sends a new one (often by SMS) and the flow gets a new life. */
export function useResendCode() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (flowId: string) =>
      apiRequest<Flow>(`/telegram/connect/${flowId}/resend`, { method: 'POST' }),
    onSuccess: (flow) => client.setQueryData(keys.flow(flow.flowId), flow),
  });
}

export const cancelFlow = (flowId: string) =>
  apiRequest<void>(`/telegram/connect/${flowId}`, { method: 'DELETE' });

/** A change to some lists: afterwards they (and the statistics) are fetched again. */
export function useListChange<V, R>(lists: readonly string[], fn: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => Promise.all([...lists, 'stats'].map((list) => refresh(client, { queryKey: [list] }))),
  });
}

export const useReconnectAccount = () =>
  useListChange(['accounts'], (id: string) =>
    apiRequest<Account>(`/telegram/accounts/${id}/reconnect`, { method: 'POST' }),
  );
/**
 * An account's full phone number, asked for on purpose (each ask is in the audit log): a mutation, never cached
 * or refetched on its own. Answers null when Telegram never told the number.
 */
export const useRevealPhone = () =>
  useMutation({
    mutationFn: async (id: string) =>
      (await apiRequest<Account>(`/telegram/accounts/${id}?reveal=phone`)).fullPhone ?? null,
  });
// Removing a bot or an account removes its channels too: that list must follow at once.
export const useRemoveAccount = () =>
  useListChange(['accounts', 'channels'], (id: string) =>
    apiRequest<void>(`/telegram/accounts/${id}`, { method: 'DELETE' }),
  );
export const useAddBot = () =>
  useListChange(['bots'], (token: string) =>
    apiRequest<Bot>('/telegram/bots', {
      method: 'POST',
      body: { token },
      idempotencyKey: newIdempotencyKey(),
    }),
  );
export const useRemoveBot = () =>
  useListChange(['bots', 'channels'], (id: string) =>
    apiRequest<void>(`/telegram/bots/${id}`, { method: 'DELETE' }),
  );
/** Pause, resume or label a bot, an account or a channel (a JSON merge patch: what is left out stays). */
export const useUpdateIntegration = (kind: ListKind) =>
  useListChange(
    [kind],
    ({ id, patch }: { id: string; patch: { isActive?: boolean; label?: string | null } }) =>
      apiRequest<Account | Bot | Channel | WhatsAppNumber>(`${PATHS[kind]}/${id}`, {
        method: 'PATCH',
        body: patch,
      }),
  );
export const useAttachChannel = () =>
  useListChange(['channels'], (body: { chat: string; via: Via }) =>
    apiRequest<Channel>('/telegram/channels', { method: 'POST', body, idempotencyKey: newIdempotencyKey() }),
  );
export const useRemoveChannel = () =>
  useListChange(['channels'], (id: string) =>
    apiRequest<void>(`/telegram/channels/${id}`, { method: 'DELETE' }),
  );

export const useWebhooks = () =>
  useQuery({
    queryKey: keys.webhooks,
    queryFn: ({ signal }) => apiRequest<WebhookPage>('/webhooks?limit=100', { signal }),
  });
export const useDeliveries = (webhookId: string) =>
  useQuery({
    queryKey: keys.deliveries(webhookId),
    queryFn: ({ signal }) =>
      apiRequest<WebhookDeliveryPage>(`/webhooks/${webhookId}/deliveries?limit=20`, { signal }),
  });
export const useCreateWebhook = () =>
  useListChange(['webhooks'], (body: { url: string; events: string[] }) =>
    apiRequest<WebhookCreated>('/webhooks', { method: 'POST', body, idempotencyKey: newIdempotencyKey() }),
  );
export const useRemoveWebhook = () =>
  useListChange(['webhooks'], (id: string) => apiRequest<void>(`/webhooks/${id}`, { method: 'DELETE' }));
export const useRedeliver = () =>
  useListChange(['webhooks'], ({ webhook, delivery }: { webhook: Webhook; delivery: WebhookDelivery }) =>
    apiRequest<WebhookDelivery>(`/webhooks/${webhook.id}/deliveries/${delivery.id}/redeliver`, {
      method: 'POST',
    }),
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
    onSettled: () =>
      Promise.all([refresh(client, { queryKey: ['stats'] }), refresh(client, { queryKey: ['logs'] })]),
  });
}
