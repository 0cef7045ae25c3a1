import { describe, expect, it } from 'vitest';
import { isLabError } from '../../base';
import { Machine } from '../machine';
import type { Access, AccessItem } from './access';
import type { Domain } from './device';
import type { Ioas } from './ioas';

const P = 4096;
const MOCK_START = 1n << 24n;

interface Step {
  name: string;
  /** Non-atomic by design (unmap): only invariants are checked on failure. */
  nonAtomic?: boolean;
  run: () => void;
}

/**
 * iommufd_fail_nth over the objects layer: for n = 1, 2, … arm "fail the
 * n-th fallible step" and run a scenario on a fresh machine. Every step that
 * fails because of the injection must leave the digest unchanged and the
 * invariants intact; the run must tear down without leaks.
 */
function scenario(m: Machine): Step[] {
  const p = m.process;
  const ctx = m.open();
  let a: Ioas | null = null;
  let b: Ioas | null = null;
  let d1: Domain | null = null;
  let d2: Domain | null = null;
  let acc: Access | null = null;
  let item: AccessItem | null = null;
  const buf = p.mmap(4 << 20, { populate: true, align: 2 << 20 });
  return [
    { name: 'ioasAlloc', run: () => void (a = ctx.ioasAlloc()) },
    { name: 'ioasAlloc b', run: () => void (b = ctx.ioasAlloc()) },
    { name: 'iovaRanges', run: () => void a?.iovaRanges() },
    { name: 'allowIovas', run: () => a?.allowIovas([{ start: MOCK_START, last: 0x7fffffffn }]) },
    { name: 'map 2M', run: () => void a?.map(buf, 2 << 20) },
    { name: 'copy', run: () => void b?.copyFrom(a as Ioas, MOCK_START, 256 * 1024, { iova: MOCK_START }) },
    { name: 'attach mock', run: () => void (d1 = a?.attachDomain() ?? null) },
    { name: 'map 256K', run: () => void a?.map(buf + (2 << 20), 256 * 1024, { iova: 0x40000000n }) },
    { name: 'attach pagetable', run: () => void (d2 = a?.attachDomain({ kind: 'pagetable' }) ?? null) },
    { name: 'attach b', run: () => void b?.attachDomain() },
    { name: 'createAccess', run: () => void (acc = a ? ctx.createAccess(a, { needsPinPages: true }) : null) },
    { name: 'pin', run: () => void (item = acc?.pin(MOCK_START + 0x3000n, 0x5000n) ?? null) },
    { name: 'rw slow', run: () => void acc?.read(MOCK_START + 0x100n, 3 * P, { slowPath: true }) },
    { name: 'rw write', run: () => acc?.write(MOCK_START + 0x2ff0n, new Uint8Array(40), { slowPath: true }) },
    { name: 'unpin', run: () => (item ? acc?.unpin(item) : undefined) },
    { name: 'detach mock', run: () => d1?.detach() },
    { name: 'unmap 2M', nonAtomic: true, run: () => void a?.unmap(MOCK_START, 2 << 20) },
    { name: 'detach pagetable', run: () => d2?.detach() },
    { name: 'unmap all', nonAtomic: true, run: () => void a?.unmap(0, (1n << 64n) - 1n) },
  ];
}

describe('fail_nth over the objects layer', () => {
  it('every injected failure rolls back; teardown is clean', () => {
    let sawFailures = 0;
    for (let n = 1; n < 5000; n++) {
      const m = new Machine({ physicalMemory: 64 << 20, hugetlbPages2M: 0 });
      m.setTempMemoryLimit(32);
      const steps = scenario(m);
      m.kernel.faults.failNth(n);
      for (const s of steps) {
        const armed = m.kernel.faults.armed;
        const before = s.nonAtomic
          ? null
          : JSON.stringify(m.digest(), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
        try {
          s.run();
        } catch (e) {
          if (!isLabError(e)) throw e;
          if (armed && !m.kernel.faults.armed) {
            sawFailures++;
            if (before !== null)
              expect(
                JSON.stringify(m.digest(), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
                `n=${n} step ${s.name}: ${e.errno} ${e.message}`,
              ).toBe(before);
          }
        }
        expect(m.violations(), `n=${n} after ${s.name}`).toEqual([]);
      }
      const consumed = m.kernel.faults.consumed();
      expect(m.teardownCheck(), `n=${n}`).toEqual([]);
      if (!consumed) break;
    }
    expect(sawFailures).toBeGreaterThan(20);
  });
});
