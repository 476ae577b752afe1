import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { act, render, screen, within } from '@testing-library/react';
import { AUTO_CLOSE_MS, notify } from './notify';

describe('notify', () => {
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());

  it('groups repeats into one notice, closes notices that need nothing after a while, and keeps critical ones', async () => {
    render(
      <MantineProvider>
        <Notifications />
      </MantineProvider>,
    );
    const failed = {
      title: 'Send failed',
      message: 'A message to Web news was not sent.',
      tone: 'red' as const,
    };
    act(() => {
      notify(failed);
      notify(failed);
      notify(failed);
      notify({
        title: 'Account session down',
        message: 'Cody lost its session.',
        tone: 'red',
        critical: true,
      });
    });
    expect(await screen.findByText('Send failed (3 times)')).toBeInTheDocument();
    expect(screen.getAllByText('A message to Web news was not sent.')).toHaveLength(1);
    const notice = screen.getByText('Send failed (3 times)').closest('[role="alert"]') as HTMLElement;
    expect(within(notice).getByRole('button', { name: 'Dismiss this notice' })).toBeInTheDocument();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(AUTO_CLOSE_MS + 1_000);
    });
    expect(screen.queryByText(/Send failed/)).toBeNull();
    expect(screen.getByText('Account session down')).toBeInTheDocument();
  });
});
