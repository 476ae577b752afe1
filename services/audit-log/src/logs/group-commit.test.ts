import { GroupCommit } from './group-commit';

/** A write that the test finishes by hand, so that what arrives meanwhile is seen queueing. */
function manualWriter() {
  const writes: { items: string[]; finish(error?: Error): void }[] = [];
  const write = (items: string[]) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ items, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { writes, write };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes what arrives together in one write, and what arrives during a write in the next one', async () => {
    const { writes, write } = manualWriter();
    const commit = new GroupCommit(write);
    const first = [commit.add('a'), commit.add('b'), commit.add('c')];
    await flush();
    expect(writes.map((w) => w.items)).toEqual([['a', 'b', 'c']]);
    const second = [commit.add('d'), commit.add('e')];
    await flush();
    expect(writes).toHaveLength(1); // d and e wait for the write in progress
    writes[0]?.finish();
    await Promise.all(first);
    await flush();
    expect(writes.map((w) => w.items)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    writes[1]?.finish();
    await Promise.all(second);
  });

  it('resolves a caller only once its own item is written', async () => {
    const { writes, write } = manualWriter();
    const commit = new GroupCommit(write);
    let done = false;
    const added = commit.add('a').then(() => (done = true));
    await flush();
    expect(done).toBe(false);
    writes[0]?.finish();
    await added;
    expect(done).toBe(true);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const written: string[][] = [];
    const commit = new GroupCommit(async (items: string[]) => {
      written.push(items);
      if (items.includes('bad')) throw new Error('bad row');
    });
    const results = await Promise.allSettled([commit.add('a'), commit.add('bad'), commit.add('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(written).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('caps a batch at its maximum size', async () => {
    const written: number[] = [];
    const commit = new GroupCommit(async (items: number[]) => {
      written.push(items.length);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => commit.add(i)));
    expect(written).toEqual([2, 2, 1]);
  });
});
