import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectAnswer, InspectQuery } from '../../engine/base/inspect-types';
import { TIER_DOMAIN } from '../../engine/base/inspect-types';
import { makeAnswer } from './test-fixtures';
import { adequate, DETAIL_MAX, planZoom, ZoomFetcher, type ZoomNeed } from './zoom-fetch';

const at = { run: 1, step: 5 };
const full = makeAnswer({
  key: 'k',
  pages: 3,
  npages: 1 << 20,
  buckets: 2048,
  runs: [[0, 4096, TIER_DOMAIN]],
});

describe('planning zoom queries', () => {
  it('needs nothing while the full answer is fine enough', () => {
    expect(planZoom(full, { start: 0, end: 1 << 20 }, 1000, undefined, at, 9)).toBeNull();
    expect(planZoom(full, { start: 0, end: (1 << 20) / 4 }, 1000, undefined, at, 9)).toBeNull();
    const small = makeAnswer({ npages: 32 });
    expect(planZoom(small, { start: 3, end: 9 }, 1000, undefined, at, 9)).toBeNull();
  });

  it('asks a re-bucketed summary of the visible range (with overscan) when zoomed past it', () => {
    const n = planZoom(full, { start: 100000, end: 200000 }, 1000, undefined, at, 9) as ZoomNeed;
    expect(n).not.toBeNull();
    expect(n.pages).toBe(3);
    expect(n.start).toBeLessThanOrEqual(100000);
    expect(n.end).toBeGreaterThanOrEqual(200000);
    expect(n.start).toBe(50000);
    expect(n.end).toBe(250000);
    expect(n.buckets).toBeLessThanOrEqual(DETAIL_MAX);
    expect((n.end - n.start) / n.buckets).toBeLessThanOrEqual(100);
    expect(n.prevPages).toBe(9);
  });

  it('asks per-page detail once the visible range is at most DETAIL_MAX pages', () => {
    const n = planZoom(full, { start: 5000.5, end: 5600 }, 1000, undefined, at, null) as ZoomNeed;
    expect(n.buckets).toBe(DETAIL_MAX);
    expect(n.end - n.start).toBeLessThanOrEqual(DETAIL_MAX);
    expect(n.start).toBeLessThanOrEqual(5000);
    expect(n.end).toBeGreaterThanOrEqual(5600);
    expect(n.prevPages).toBeNull();
  });

  it('keeps a held entry that covers the view at this step, refetches at another step', () => {
    const z = makeAnswer({ key: 'k', npages: 1 << 20, start: 4000, end: 6000 });
    expect(adequate(z, { start: 4500, end: 5000 }, 1000)).toBe(true);
    const have = { ...at, answer: z, prev: null };
    expect(planZoom(full, { start: 4500, end: 5000 }, 1000, have, at, 9)).toBeNull();
    expect(planZoom(full, { start: 4500, end: 5000 }, 1000, have, { run: 1, step: 6 }, 9)).not.toBeNull();
    expect(planZoom(full, { start: 6500, end: 7000 }, 1000, have, at, 9)).not.toBeNull();
  });
});

describe('ZoomFetcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const need = (start: number, end: number): ZoomNeed => ({
    key: 'k',
    pages: 3,
    start,
    end,
    buckets: 2048,
    prevPages: 2,
  });

  it('debounces, sends the latest needs only, and asks step - 1 by its digest id there for change marks', async () => {
    const calls: { q: InspectQuery[]; step: number }[] = [];
    const query = async (q: InspectQuery[], step: number): Promise<InspectAnswer[]> => {
      calls.push({ q, step });
      return q.map((x) =>
        x.kind === 'tiers'
          ? makeAnswer({
              key: 'k',
              npages: 1 << 20,
              start: x.start,
              end: x.end,
              runs: step === 5 ? [[0, 1 << 20, 1]] : [],
            })
          : makeAnswer({ npages: 1 }),
      );
    };
    let data = 0;
    const f = new ZoomFetcher(query, () => data++, 50);
    f.request([need(0, 1000)], at);
    f.request([need(100, 1100)], at);
    f.request([need(100, 1100)], at);
    expect(f.loading.has('k')).toBe(true);
    await vi.advanceTimersByTimeAsync(60);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({
      step: 5,
      q: [{ kind: 'tiers', pages: 3, start: 100, end: 1100, buckets: 2048 }],
    });
    expect(calls[1]).toEqual({
      step: 4,
      q: [{ kind: 'tiers', pages: 2, start: 100, end: 1100, buckets: 2048 }],
    });
    expect(data).toBe(1);
    const e = f.entries.get('k');
    expect(e?.step).toBe(5);
    expect(e?.answer.start).toBe(100);
    expect(e?.prev?.start).toBe(100);
    expect(f.loading.size).toBe(0);
  });

  it('drops an answer that a newer request overtook', async () => {
    let release: (() => void) | null = null;
    const query = (q: InspectQuery[]): Promise<InspectAnswer[]> =>
      new Promise((res) => {
        const x = q[0] as { start: number; end: number };
        release = () => res([makeAnswer({ key: 'k', npages: 1 << 20, start: x.start, end: x.end })]);
      });
    const f = new ZoomFetcher(query, () => {}, 10);
    f.request([{ ...need(0, 500), prevPages: null }], at);
    await vi.advanceTimersByTimeAsync(20);
    const first = release as unknown as () => void;
    f.request([{ ...need(600, 900), prevPages: null }], at);
    first();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.entries.has('k')).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    (release as unknown as () => void)();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.entries.get('k')?.answer.start).toBe(600);
  });

  it('does not ask again for needs that failed', async () => {
    let n = 0;
    const f = new ZoomFetcher(
      async () => (n++, null),
      () => {},
      10,
    );
    f.request([need(0, 10)], at);
    await vi.advanceTimersByTimeAsync(20);
    f.request([need(0, 10)], at);
    await vi.advanceTimersByTimeAsync(20);
    expect(n).toBe(2); // step 5 and step 4, once
  });
});
