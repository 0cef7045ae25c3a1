import { describe, expect, it } from 'vitest';
import { U64_MAX } from '../../base';
import { expectErrno, fixture, MB, MOCK_START, P, PB, teardown } from './test-fixture';

describe('iopt_table_add_domain / iopt_table_remove_domain', () => {
  it('raises the alignment; EADDRINUSE when an area is not aligned, nothing left behind', () => {
    const f = fixture();
    const iova = f.ioas.map(f.buf + 1, P, { iova: MOCK_START + 1n });
    expect(f.ioas.iovaRanges().alignment).toBe(1n);
    expectErrno(() => f.ioas.attachDomain(), 'EADDRINUSE', /not aligned to the new IOAS alignment 2048/);
    // no aperture reservation survived the failure
    expect(f.ioas.iovaRanges().ranges).toEqual([{ start: 0n, last: U64_MAX }]);
    expect(f.ctx.objectCount).toBe(1);
    f.ioas.unmap(iova, P);
    const d = f.ioas.attachDomain();
    expect(f.ioas.iovaRanges()).toEqual({
      ranges: [{ start: MOCK_START, last: 0x7fffffffn }],
      alignment: 2048n,
    });
    d.detach();
    expect(f.ioas.iovaRanges().alignment).toBe(1n);
    teardown(f);
  });

  it('EADDRINUSE when an area lies outside the new aperture', () => {
    const f = fixture();
    f.ioas.map(f.buf, P);
    expectErrno(() => f.ioas.attachDomain(), 'EADDRINUSE');
    teardown(f);
  });

  it('fills every area into the new domain; storage moves on removal; the last one unpins', () => {
    const f = fixture();
    f.ioas.map(f.buf, MB, { iova: MOCK_START });
    f.ioas.map(f.buf + MB, MB, { iova: MOCK_START + BigInt(2 * MB) });
    f.m.checkRefs(f.buf, 2 * MB, 0); // lazy: nothing pinned without a domain
    const d1 = f.ioas.attachDomain();
    f.m.checkRefs(f.buf, 2 * MB, 1);
    const d2 = f.ioas.attachDomain({ kind: 'pagetable' });
    f.m.checkRefs(f.buf, 2 * MB, 1);
    d2.checkMap(MOCK_START + BigInt(2 * MB), BigInt(MB), f.buf + MB);
    f.m.checkInvariants();
    d1.detach(); // storage domain hands over to d2
    f.m.checkRefs(f.buf, 2 * MB, 1);
    d2.checkMap(MOCK_START, BigInt(MB), f.buf);
    f.m.checkInvariants();
    expect(d1.iovaToPhys(MOCK_START)).toBeNull();
    expectErrno(() => d1.detach(), 'ENOENT', /already detached/);
    d2.detach();
    f.m.checkRefs(f.buf, 2 * MB, 0);
    expect(f.proc.accounting().userLockedVm).toBe(0);
    teardown(f);
  });

  it('checkMap: alignment, mismatch and unmapped IOVA are EINVAL', () => {
    const f = fixture();
    const d = f.ioas.attachDomain();
    f.ioas.map(f.buf + 0x800, 3 * 0x800, { iova: MOCK_START + 0x800n });
    d.checkMap(MOCK_START + 0x800n, 3n * 0x800n, f.buf + 0x800);
    expectErrno(() => d.checkMap(MOCK_START + 0x400n, 0x800n, f.buf), 'EINVAL', /iova/);
    expectErrno(() => d.checkMap(MOCK_START + 0x800n, 0x400n, f.buf), 'EINVAL', /length/);
    expectErrno(() => d.checkMap(MOCK_START + 0x800n, 0x800n, f.buf + 1), 'EINVAL', /uptr/);
    expectErrno(() => d.checkMap(MOCK_START + 0x800n, 0x800n, f.buf + P), 'EINVAL', /expected/);
    expectErrno(() => d.checkMap(MOCK_START + 0x2000n, 0x800n, f.buf), 'EINVAL', /not mapped/);
    expect(d.iovaToPhys(MOCK_START + 0x800n)).not.toBeNull();
    expect(d.iovaToPhys(MOCK_START)).toBeNull();
    teardown(f);
  });

  it('the HUGE_PAGES option: 0 → PAGE_SIZE alignment, refused while domains hold areas', () => {
    const f = fixture();
    expect(f.ioas.getOption('HUGE_PAGES')).toBe(1);
    f.ioas.setOption('HUGE_PAGES', 0);
    expect(f.ioas.iovaRanges().alignment).toBe(PB);
    expectErrno(() => f.ioas.map(f.buf + 0x800, P), 'EINVAL');
    f.ioas.setOption('HUGE_PAGES', 1);
    expect(f.ioas.iovaRanges().alignment).toBe(1n);
    f.ioas.attachDomain();
    f.ioas.map(f.buf, P, { iova: MOCK_START });
    expectErrno(() => f.ioas.setOption('HUGE_PAGES', 0), 'EINVAL', /domains/);
    expectErrno(() => f.ioas.setOption('HUGE_PAGES', 2), 'EINVAL', /0 or 1/);
    expectErrno(() => f.ioas.setOption('RLIMIT_MODE' as never, 0), 'EINVAL', /HUGE_PAGES/);
    teardown(f);
  });
});
