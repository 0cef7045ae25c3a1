import { describe, expect, it } from 'vitest';
import { budgetProblem, hardLimits, MemoryWatch, MIN_MEMORY_MB } from './memory-budget';

const MiB = 2 ** 20;

function watch(budgetMb: number) {
  const s = { rss: 300 * MiB, tick: null as (() => void) | null, exceeded: [] as number[] };
  const w = new MemoryWatch({
    budgetMb,
    rss: () => s.rss,
    onExceeded: (mb) => s.exceeded.push(mb),
    setInterval: (fn) => {
      s.tick = fn;
      return 7;
    },
    clearInterval: () => {
      s.tick = null;
    },
  });
  return { w, s };
}

describe('memory budget', () => {
  it('measures RSS growth since start and trips once past the budget', () => {
    const { w, s } = watch(100);
    w.start();
    s.rss += 100 * MiB;
    s.tick?.();
    expect(s.exceeded).toEqual([]);
    s.rss += 30 * MiB;
    s.tick?.();
    expect(s.exceeded).toEqual([130]);
    expect(w.running).toBe(false);
    expect(s.tick).toBeNull();
    expect(w.peakMb).toBe(130);
  });

  it('takes a fresh baseline on every start and stops cleanly', () => {
    const { w, s } = watch(100);
    w.start();
    s.rss += 90 * MiB;
    w.stop();
    w.start();
    s.rss += 50 * MiB;
    s.tick?.();
    expect(s.exceeded).toEqual([]);
    w.stop();
    w.sample();
    expect(s.exceeded).toEqual([]);
  });

  it('sets the V8 limits above the budget with a small young generation', () => {
    for (const mb of [MIN_MEMORY_MB, 512, 2048]) {
      const l = hardLimits(mb);
      expect(l.maxOldGenerationSizeMb).toBeGreaterThan(mb);
      // Node grants a worker at its heap limit 16 MiB of grace: a scavenge must not promote more
      expect(l.maxYoungGenerationSizeMb).toBeLessThanOrEqual(16);
    }
  });

  it('refuses budgets below what a worker needs at rest', () => {
    expect(budgetProblem(MIN_MEMORY_MB)).toBeNull();
    expect(budgetProblem(64)).toMatch(/64 MiB is below the 96 MiB/);
    expect(budgetProblem(Number.NaN)).not.toBeNull();
  });
});
