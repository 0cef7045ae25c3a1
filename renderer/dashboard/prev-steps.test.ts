import { describe, expect, it } from 'vitest';
import type { InspectAnswer, InspectQuery } from '../../engine/base/inspect-types';
import { PrevSteps } from './prev-steps';
import { makeAnswer } from './test-fixtures';

describe('previous step answers', () => {
  it('reuses the step shown before, fetches step - 1 otherwise, once', async () => {
    const asked: { q: InspectQuery[]; step: number }[] = [];
    const a4 = makeAnswer({ key: 'x', npages: 8 });
    let fetched = 0;
    const p = new PrevSteps(
      async (q, step): Promise<InspectAnswer[]> => {
        asked.push({ q, step });
        return [a4];
      },
      2048,
      () => fetched++,
    );
    const a5 = [makeAnswer({ key: 'x', npages: 8 })];
    p.record(1, 5, a5, false);
    expect(p.prevOf(1, 6, false)).toBe(a5);
    expect(p.prevOf(1, 1, false)).toEqual([]);
    expect(p.prevOf(1, 5, false)).toBeNull();
    expect(p.prevOf(1, 5, false)).toBeNull();
    await Promise.resolve();
    await Promise.resolve();
    expect(asked).toEqual([{ q: [{ kind: 'tiers', buckets: 2048 }], step: 4 }]);
    expect(fetched).toBe(1);
    expect(p.prevOf(1, 5, false)).toEqual([a4]);
    // Another run forgets everything.
    expect(p.prevOf(2, 6, false)).toBeNull();
  });

  it('live: the previous frame', () => {
    const p = new PrevSteps(
      async () => null,
      2048,
      () => {},
    );
    const f1 = [makeAnswer({ npages: 8 })];
    const f2 = [makeAnswer({ npages: 8 })];
    p.record(1, 10, f1, true);
    expect(p.prevOf(1, 10, true)).toBeNull();
    p.record(1, 20, f2, true);
    expect(p.prevOf(1, 20, true)).toBe(f1);
  });
});
