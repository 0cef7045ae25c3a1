/**
 * batch_to_domain / batch_from_domain with the pagetable domain's run fast
 * paths == without them (one iommu_map per run, one iova_to_phys per page):
 * random sequences of fills, unfills, accesses and rw over mock and
 * pagetable domains, with and without an injected fault, observe the same
 * results, the same machine counters (map calls, iova_to_phys calls, PTE
 * writes, batch runs, pins, fault steps) and the same events.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runFastPaths } from './batch-domain';
import { Sequence, type Op } from './testing/sequence';

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.nat(1000),
  // attach picks its kind from a: bias towards pagetable domains (a % 4 in {2, 3})
  a: fc.nat(1000).map((a) => (a % 3 === 0 ? a : a - (a % 4) + 2)),
  b: fc.nat(1000),
  c: fc.nat(1000),
});

function runAll(ops: Op[], limit: number, failNth: number, fast: boolean): unknown {
  runFastPaths.enabled = fast;
  try {
    const s = new Sequence(limit);
    const log: string[] = [];
    if (failNth > 0) s.f.kernel.faults.failNth(failNth);
    for (const op of ops) {
      log.push(`${s.run(op)} :: ${s.observe()}`);
      log.push(JSON.stringify(s.f.iopt.domains.map((d) => d.stats())));
    }
    const k = s.f.kernel;
    return {
      log,
      counters: { ...k.counters },
      steps: k.faults.steps,
      events: k.events.events.map((e) => `${e.kind} ${e.message}`),
    };
  } finally {
    runFastPaths.enabled = true;
  }
}

describe('run fast paths == per-call paths', () => {
  it('on random sequences, temporary memory limits and injected faults', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(12, 24, 100, 65536),
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })),
        (ops, limit, failNth) => {
          expect(runAll(ops, limit, failNth, true)).toEqual(runAll(ops, limit, failNth, false));
        },
      ),
      { numRuns: 200 },
    );
  });
});
