import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';

/** Renders with the providers the app has, on a route, with retries off so that errors show at once. */
export function renderWithApp(ui: ReactElement, route = '/') {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(
    // `env="test"`: no transitions or portals, so a dropdown is in the page as soon as it opens.
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

type Handler = (
  url: string,
  init: RequestInit,
) => { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Answers the UI's fetches like the REST api would, and records them. Component tests pin what the UI does with
 * each answer; the browser tests run the same screens against the real stack.
 */
export function fakeApi(handler: Handler) {
  const calls: { url: string; method: string; body: unknown; headers: Record<string, string> }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({
      url,
      method: init.method ?? 'GET',
      body: init.body ? JSON.parse(String(init.body)) : undefined,
      headers,
    });
    const answer = handler(url, init);
    const problem = answer.status >= 400;
    return new Response(answer.status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status: answer.status,
      headers: {
        'content-type': problem ? 'application/problem+json' : 'application/json',
        ...answer.headers,
      },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}
