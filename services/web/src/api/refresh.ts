import type { QueryClient, QueryFilters } from '@tanstack/react-query';

/**
 * Makes what `filters` match fetch again because the server's state moved on (a live event, a change the user
 * made). `invalidateQueries` alone is not enough: a query still on its first fetch, with no data yet, is not
 * restarted by it (TanStack Query joins the fetch in flight; `cancelRefetch` only applies to a query that has
 * data), so that fetch, begun before the change, would be shown as current. A message's delivery state was left
 * at "Sent" that way, when "Delivered" arrived while the dialog was loading the message. Cancelling first
 * restarts every fetch in flight.
 */
export async function refresh(client: QueryClient, filters: QueryFilters): Promise<void> {
  await client.cancelQueries(filters);
  await client.invalidateQueries(filters);
}
