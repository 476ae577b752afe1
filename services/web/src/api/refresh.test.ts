import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { refresh } from './refresh';

describe('refresh', () => {
  it('restarts a first fetch in flight, so a change made during it is what the query ends up with', async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    let state = 'sent';
    let answerFirst: (() => void) | undefined;
    let calls = 0;
    const observer = new QueryObserver(client, {
      queryKey: ['whatsapp-messages', 'm-1'],
      queryFn: async () => {
        calls += 1;
        const read = state;
        // The first read is taken before the change and answered after it.
        if (calls === 1) await new Promise<void>((resolve) => (answerFirst = resolve));
        return read;
      },
    });
    const seen: unknown[] = [];
    const unsubscribe = observer.subscribe((result) => seen.push(result.data));
    await vi.waitFor(() => expect(answerFirst).toBeDefined());

    state = 'delivered';
    const refreshed = refresh(client, { queryKey: ['whatsapp-messages'] });
    answerFirst!();
    await refreshed;
    await vi.waitFor(() => expect(observer.getCurrentResult().data).toBe('delivered'));
    expect(calls).toBe(2);
    expect(seen).not.toContain('sent');
    unsubscribe();
    client.clear();
  });
});
