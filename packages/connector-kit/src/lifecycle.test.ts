import { planLifecycle } from './lifecycle';

describe('planLifecycle', () => {
  const active = { isActive: true, label: null };

  it('pauses and resumes', () => {
    expect(planLifecycle(active, { isActive: false })).toEqual({
      next: { isActive: false, label: null },
      verbs: ['paused'],
    });
    expect(planLifecycle({ isActive: false, label: 'x' }, { isActive: true })).toEqual({
      next: { isActive: true, label: 'x' },
      verbs: ['resumed'],
    });
  });

  it('names and unnames, trimming blanks', () => {
    expect(planLifecycle(active, { label: '  Sales bot ' })).toEqual({
      next: { isActive: true, label: 'Sales bot' },
      verbs: ['updated'],
    });
    expect(planLifecycle({ isActive: true, label: 'Sales' }, { label: null }).verbs).toEqual(['updated']);
    expect(planLifecycle({ isActive: true, label: 'Sales' }, { label: '   ' }).next.label).toBeNull();
  });

  it('does both at once, pausing first', () => {
    expect(planLifecycle(active, { isActive: false, label: 'Old' }).verbs).toEqual(['paused', 'updated']);
  });

  it('calls for nothing when nothing changes', () => {
    expect(planLifecycle(active, { isActive: true }).verbs).toEqual([]);
    expect(planLifecycle({ isActive: true, label: 'A' }, { label: 'A' }).verbs).toEqual([]);
    expect(planLifecycle(active, {}).verbs).toEqual([]);
  });
});
