import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPagesInvariants, forEachHeldPfn } from './invariants';
import { PAGE_SIZE } from '../../base';
import { NPAGES, Sequence, type Op } from './testing/sequence';

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.nat(1000),
  a: fc.nat(1000),
  b: fc.nat(1000),
  c: fc.nat(1000),
});

function runAll(ops: Op[], limit: number, mmMode: boolean): string[] {
  const s = new Sequence(limit);
  if (mmMode) s.pages.accountMode = 'mm';
  const log: string[] = [];
  for (const op of ops) {
    log.push(`${s.run(op)} :: ${s.observe()}`);
    const v = checkPagesInvariants(s.pages);
    if (v.length > 0)
      throw new Error(`invariants after ${JSON.stringify(op)} (limit ${limit}): ${v.join('; ')}`);
    // every frame's pin count equals the number of holders (one IoptPages here)
    const held = new Map<number, number>();
    forEachHeldPfn(s.pages, (pfn, n) => {
      for (let i = 0; i < n; i++) held.set(pfn + i, (held.get(pfn + i) ?? 0) + 1);
    });
    for (let i = 0; i < NPAGES; i++) {
      const pfn = s.f.pfnAt(s.uptr + i * PAGE_SIZE);
      expect(s.f.mem.phys.pinCount(pfn)).toBe(held.get(pfn) ?? 0);
    }
    const acct = s.f.proc.accounting();
    expect(mmMode ? acct.mmLockedVm : acct.userLockedVm).toBe(s.pages.npinned);
  }
  s.teardown();
  const c = s.f.kernel.counters;
  expect(s.f.pinCounts(s.uptr, NPAGES)).toEqual(new Array(NPAGES).fill(0));
  expect(s.f.proc.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
  expect(s.pages.released).toBe(true);
  expect(c.warnings, JSON.stringify(s.f.kernel.events.events.slice(0, 3))).toBe(0);
  return log;
}

describe('random sequences of fills, unfills, accesses and rw', () => {
  it('observe the same results for every temporary memory limit; invariants hold after every step', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 12, max: 65536 }),
        fc.boolean(),
        (ops, randomLimit, mmMode) => {
          const ref = runAll(ops, 65536, mmMode);
          for (const limit of [12, 24, 36, 100, randomLimit]) expect(runAll(ops, limit, mmMode)).toEqual(ref);
        },
      ),
      { numRuns: 150 },
    );
  });
});
