import { GroupCommit } from './group-commit';

/** A write the test finishes by hand (answering each item's length), so what arrives meanwhile is seen queueing. */
function heldWriter() {
  const writes: { items: string[]; finish(error?: Error): void }[] = [];
  const write = (items: string[]) =>
    new Promise<number[]>((resolve, reject) => {
      writes.push({
        items,
        finish: (error) => (error ? reject(error) : resolve(items.map((item) => item.length))),
      });
    });
  return { writes, write };
}

const nextPhase = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes what arrives in one phase together, and what arrives during a write in the next one', async () => {
    const { writes, write } = heldWriter();
    const group = new GroupCommit(write);
    const first = [group.add('a'), group.add('bb'), group.add('ccc')];
    await nextPhase();
    expect(writes.map((w) => w.items)).toEqual([['a', 'bb', 'ccc']]);
    const second = [group.add('dddd'), group.add('e')];
    await nextPhase();
    expect(writes).toHaveLength(1);
    writes[0]?.finish();
    expect(await Promise.all(first)).toEqual([1, 2, 3]);
    await nextPhase();
    expect(writes[1]?.items).toEqual(['dddd', 'e']);
    writes[1]?.finish();
    expect(await Promise.all(second)).toEqual([4, 1]);
  });

  it('writes a lone item alone, and answers its caller only once it is written', async () => {
    const { writes, write } = heldWriter();
    const group = new GroupCommit(write);
    let answer: number | undefined;
    const added = group.add('abc').then((n) => (answer = n));
    await nextPhase();
    expect(writes.map((w) => w.items)).toEqual([['abc']]);
    expect(answer).toBeUndefined();
    writes[0]?.finish();
    await added;
    expect(answer).toBe(3);
  });

  it('writes a failed batch again item by item, so only the bad item fails', async () => {
    const written: string[][] = [];
    const group = new GroupCommit(async (items: string[]) => {
      written.push(items);
      if (items.includes('bad')) throw new Error('bad row');
      return items.map((item) => item.toUpperCase());
    });
    const results = await Promise.allSettled([group.add('a'), group.add('bad'), group.add('c')]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('bad row') },
      { status: 'fulfilled', value: 'C' },
    ]);
    expect(written).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('refuses a write that answers for fewer items than it was given (each item is written alone instead)', async () => {
    const written: number[] = [];
    const group = new GroupCommit(async (items: number[]) => {
      written.push(items.length);
      return items.slice(0, 1);
    });
    expect(await Promise.all([group.add(1), group.add(2)])).toEqual([1, 2]);
    expect(written).toEqual([2, 1, 1]);
  });

  it('caps a batch at its maximum size', async () => {
    const written: number[] = [];
    const group = new GroupCommit(async (items: number[]) => {
      written.push(items.length);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => group.add(i)));
    expect(written).toEqual([2, 2, 1]);
  });
});
