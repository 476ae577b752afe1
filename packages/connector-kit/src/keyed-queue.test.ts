import { KeyedQueue } from './keyed-queue';

/** A step that finishes when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('KeyedQueue', () => {
  it('runs the steps of one key one after another, in order', async () => {
    const queue = new KeyedQueue();
    const seen: string[] = [];
    const first = gate();
    const a = queue.run('k', async () => {
      await first.promise;
      seen.push('a');
      return 'a';
    });
    const b = queue.run('k', async () => {
      seen.push('b');
      return 'b';
    });
    await Promise.resolve();
    expect(seen).toEqual([]);
    first.open();
    await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    expect(seen).toEqual(['a', 'b']);
  });

  it('does not hold one key behind another', async () => {
    const queue = new KeyedQueue();
    const blocked = gate();
    const slow = queue.run('a', () => blocked.promise);
    await expect(queue.run('b', async () => 'b')).resolves.toBe('b');
    expect(queue.has('a')).toBe(true);
    blocked.open();
    await slow;
  });

  it('goes on after a failing step, which its caller sees', async () => {
    const queue = new KeyedQueue();
    const failing = queue.run('k', async () => {
      throw new Error('boom');
    });
    const after = queue.run('k', async () => 'after');
    await expect(failing).rejects.toThrow('boom');
    await expect(after).resolves.toBe('after');
  });

  it('forgets a key once its work is done', async () => {
    const queue = new KeyedQueue();
    const blocked = gate();
    const step = queue.run('k', () => blocked.promise);
    expect(queue.has('k')).toBe(true);
    expect(queue.size).toBe(1);
    blocked.open();
    await step;
    // The bookkeeping settles one turn after the step.
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.has('k')).toBe(false);
    expect(queue.size).toBe(0);
  });
});
