import { accountLabel } from './names';

const account = (id: string, over: Record<string, unknown>) => ({
  id,
  firstName: 'Bars',
  username: null,
  phone: '+1555***3376',
  telegramUserId: id.replace(/\\D/g, '') || '1',
  ...over,
});

describe('accountLabel', () => {
  it('tells accounts apart that share a name, then a masked phone, by what differs', () => {
    const a = account('a1', { telegramUserId: '101' });
    const b = account('a2', { telegramUserId: '102' });
    const c = account('a3', { telegramUserId: '103', phone: '+4915***0001' });
    const d = account('a4', { firstName: 'Cody', username: 'code_person' });
    const all = [a, b, c, d];
    expect(accountLabel(d, all)).toBe('Cody @code_person');
    expect(accountLabel(c, all)).toBe('Bars · +4915***0001');
    expect(accountLabel(a, all)).toBe('Bars · +1555***3376 · id 101');
    expect(accountLabel(b, all)).toBe('Bars · +1555***3376 · id 102');
    expect(new Set(all.map((x) => accountLabel(x, all))).size).toBe(4);
  });
});
