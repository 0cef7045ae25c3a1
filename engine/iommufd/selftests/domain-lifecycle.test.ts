/**
 * Port of access_domain_destory (iommufd_ioas fixture) and the domain
 * attach/detach rules around it: attaching fills the new domain from the
 * cheapest tier and pins only what nobody holds, detaching the last domain
 * unpins what no access holds (across a huge page boundary too), a failed
 * attach leaves nothing behind. §7.3, §7.4, §9.6, §11.3.
 */
import { expect, it } from 'vitest';
import {
  BUFFER_SIZE,
  describeFixture,
  expectErrno,
  HPAGE_SIZE,
  IOAS_VARIANTS,
  MOCK_APERTURE_START,
  PAGE_SIZE,
  pinCounts,
  U64_MAX,
} from './fixture';

const P = BigInt(PAGE_SIZE);
const NPAGES = BUFFER_SIZE / PAGE_SIZE;
const START = MOCK_APERTURE_START;

describeFixture('iommufd_ioas domain lifecycle', IOAS_VARIANTS, (fx) => {
  it('access_domain_destory: domain removal with an access inside a huge page', () => {
    const f = fx();
    const size = 2 * HPAGE_SIZE;
    const buf = f.mmap(size, { shared: true, hugetlb: '2M', populate: true });
    expect(f.ioas.map(buf, size, { iova: f.baseIova })).toBe(f.baseIova);
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    const item = access.pin(f.baseIova + P, P, { uptr: buf + PAGE_SIZE });
    f.m.checkRefs(buf, PAGE_SIZE, f.hasDomain ? 1 : 0);
    f.m.checkRefs(buf + PAGE_SIZE, PAGE_SIZE, 1);
    f.m.checkRefs(buf + 2 * PAGE_SIZE, size - 2 * PAGE_SIZE, f.hasDomain ? 1 : 0);

    // Causes a complicated unpin across a huge page boundary
    if (f.hasDomain) {
      const last = f.domains.pop()!;
      const unmapsBefore = f.m.kernel.counters.iommuUnmapCalls;
      last.detach();
      // each unmap covers whole map calls: one per physically contiguous run at most
      const unmaps = f.m.kernel.counters.iommuUnmapCalls - unmapsBefore;
      expect(unmaps).toBeGreaterThanOrEqual(1);
      expect(unmaps).toBeLessThanOrEqual(2);
      const stillHeld = f.domains.length > 0;
      f.m.checkRefs(buf, PAGE_SIZE, stillHeld ? 1 : 0);
      f.m.checkRefs(buf + PAGE_SIZE, PAGE_SIZE, 1);
      f.m.checkRefs(buf + 2 * PAGE_SIZE, size - 2 * PAGE_SIZE, stillHeld ? 1 : 0);
      for (const d of f.domains) d.checkMap(f.baseIova, size, buf);
      expect(f.m.process.accounting().userLockedVm).toBe(stillHeld ? size / PAGE_SIZE : 1);
      f.m.checkInvariants();
    }

    access.unpin(item);
    access.close();
    f.m.checkRefs(buf, size, f.domains.length ? 1 : 0);
    expect(f.ioas.unmap(f.baseIova, size)).toBe(BigInt(size));
    f.munmap(buf, size);
  });

  it('domain attach while pinned: the xarray part is reused, the rest pinned, detach unpins only that', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: START });
    const item = access.pin(START + 4n * P, 4n * P, { uptr: f.buffer + 4 * PAGE_SIZE });
    const pinnedBefore = f.m.kernel.counters.pagesPinned;
    const d = f.ioas.attachDomain();
    // only the pages nobody held were pinned for the new domain
    expect(f.m.kernel.counters.pagesPinned - pinnedBefore).toBe(f.hasDomain ? 0 : NPAGES - 4);
    d.checkMap(START, BUFFER_SIZE, f.buffer);
    for (const e of f.domains) e.checkMap(START, BUFFER_SIZE, f.buffer);
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
    expect(f.m.process.accounting().userLockedVm).toBe(NPAGES);
    d.detach();
    expect(d.iovaToPhys(START)).toBeNull();
    const want = Array.from({ length: NPAGES }, (_, i) => (f.hasDomain || (i >= 4 && i < 8) ? 1 : 0));
    expect(pinCounts(f.m, f.buffer, BUFFER_SIZE)).toEqual(want);
    access.unpin(item);
    access.close();
    expect(f.ioas.unmap(START, BUFFER_SIZE)).toBe(BigInt(BUFFER_SIZE));
  });

  it('detaching the storage domain hands storage to the next; the last one unpins', () => {
    const f = fx();
    const extra = f.ioas.attachDomain();
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: START });
    const all = [...f.domains, extra];
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
    while (all.length) {
      const d = all.shift()!;
      d.detach();
      for (const e of all) e.checkMap(START, BUFFER_SIZE, f.buffer);
      f.m.checkRefs(f.buffer, BUFFER_SIZE, all.length ? 1 : 0);
      expect(f.m.process.accounting().userLockedVm).toBe(all.length ? NPAGES : 0);
      f.m.checkInvariants();
    }
    f.domains.length = 0;
    // and a domain attached again pins again
    const again = f.ioas.attachDomain();
    again.checkMap(START, BUFFER_SIZE, f.buffer);
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
    expectErrno(() => f.ioas.destroy(), 'EBUSY');
    again.detach();
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);
    expect(f.ioas.unmap(0, U64_MAX)).toBe(BigInt(BUFFER_SIZE));
    f.ioas.destroy();
  });

  it('a domain cannot attach over an area its alignment does not allow', () => {
    const f = fx();
    const x = f.ctx.ioasAlloc();
    const iova = START + 1n;
    expect(x.map(f.buffer + 1, PAGE_SIZE, { iova })).toBe(iova);
    expectErrno(() => x.attachDomain(), 'EADDRINUSE');
    expect(x.iovaRanges()).toEqual({ ranges: [{ start: 0n, last: U64_MAX }], alignment: 1n });
    f.m.checkRefs(f.buffer, 2 * PAGE_SIZE, 0);
    expect(x.unmap(iova, PAGE_SIZE)).toBe(P);
    const d = x.attachDomain();
    d.detach();
    x.destroy();
  });

  it('an attach that cannot pin (EFAULT) or charge (ENOMEM) is undone completely', () => {
    const f = fx();
    const x = f.ctx.ioasAlloc();
    const buf = f.mmap(8 * PAGE_SIZE);
    x.map(f.buffer, BUFFER_SIZE, { iova: START });
    x.map(buf, 8 * PAGE_SIZE, { iova: START + 0x100000n });
    f.munmap(buf + 4 * PAGE_SIZE, 4 * PAGE_SIZE);
    const counters = { ...f.m.kernel.counters };
    expectErrno(() => x.attachDomain(), 'EFAULT');
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);
    f.m.checkRefs(buf, 4 * PAGE_SIZE, 0);
    expect(f.m.process.accounting().userLockedVm).toBe(0);
    expect(f.m.kernel.counters.pagesPinned - counters.pagesPinned).toBe(
      f.m.kernel.counters.pagesUnpinned - counters.pagesUnpinned,
    );
    expect(x.iovaRanges().ranges).toEqual([{ start: 0n, last: U64_MAX }]);
    f.m.checkInvariants();
    expect(x.unmap(START + 0x100000n, 8n * P)).toBe(8n * P);

    f.m.process.memlockLimit = 8 * PAGE_SIZE;
    expectErrno(() => x.attachDomain(), 'ENOMEM');
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);
    expect(f.m.process.accounting().userLockedVm).toBe(0);
    f.m.checkInvariants();
    f.m.process.memlockLimit = BUFFER_SIZE;
    const d = x.attachDomain();
    d.checkMap(START, BUFFER_SIZE, f.buffer);
    expect(f.m.process.accounting().userLockedVm).toBe(NPAGES);
    // the limit is per user: the fixture IOAS cannot pin one more page now
    if (f.hasDomain) {
      expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE, { iova: START }), 'ENOMEM');
    } else {
      f.ioas.map(f.buffer, PAGE_SIZE, { iova: START });
      const a = f.ctx.createAccess(f.ioas, { needsPinPages: true });
      // already pinned by x's domain, but charged per iopt_pages
      expectErrno(() => a.pin(START, P), 'ENOMEM');
      a.close();
    }
    f.m.process.memlockLimit = Infinity;
    d.detach();
    x.destroy();
  });
});

describeFixture('iommufd_ioas accounting modes', IOAS_VARIANTS, (fx) => {
  it('global_options: RLIMIT_MODE get 0, set 1, set 2 is EINVAL, EBUSY once objects exist', () => {
    const f = fx();
    // the fixture context already has its IOAS
    expect(f.ctx.getOption('RLIMIT_MODE')).toBe(0);
    expectErrno(() => f.ctx.setOption('RLIMIT_MODE', 1), 'EBUSY');
    const c = f.open();
    expect(c.getOption('RLIMIT_MODE')).toBe(0);
    c.setOption('RLIMIT_MODE', 1);
    expectErrno(() => c.setOption('RLIMIT_MODE', 2), 'EINVAL');
    expect(c.getOption('RLIMIT_MODE')).toBe(1);
    c.setOption('RLIMIT_MODE', 0);
    expect(c.getOption('RLIMIT_MODE')).toBe(0);
    f.m.process.capSysResource = false;
    expectErrno(() => c.setOption('RLIMIT_MODE', 1), 'EPERM');
    f.m.process.capSysResource = true;
  });

  it('per-mm mode charges the mm, per-user mode the user; CAP_IPC_LOCK charges neither limit', () => {
    const f = fx();
    const npages = BUFFER_SIZE / PAGE_SIZE;
    const c = f.open();
    c.setOption('RLIMIT_MODE', 1);
    const x = c.ioasAlloc();
    const d = x.attachDomain();
    x.map(f.buffer, BUFFER_SIZE, { iova: START });
    expect(f.m.process.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: npages, mmPinnedVm: npages });
    // the limit applies to the mm's locked_vm in this mode
    f.m.process.memlockLimit = (npages + 1) * PAGE_SIZE;
    const y = f.mmap(2 * PAGE_SIZE);
    expectErrno(() => x.map(y, 2 * PAGE_SIZE, { iova: START + 0x100000n }), 'ENOMEM');
    expect(x.map(y, PAGE_SIZE, { iova: START + 0x100000n })).toBe(START + 0x100000n);
    expect(f.m.process.accounting().mmLockedVm).toBe(npages + 1);
    f.m.process.memlockLimit = Infinity;
    d.detach();
    expect(f.m.process.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
    c.close();

    // CAP_IPC_LOCK at map time: no limit, no locked_vm charge
    f.m.process.capIpcLock = true;
    f.m.process.memlockLimit = 0;
    const z = f.ctx.ioasAlloc();
    const dz = z.attachDomain();
    z.map(f.buffer, BUFFER_SIZE, { iova: START });
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
    expect(f.m.process.accounting().userLockedVm).toBe(0);
    expect(f.m.process.accounting().mmLockedVm).toBe(0);
    dz.detach();
    f.m.process.capIpcLock = false;
    f.m.process.memlockLimit = Infinity;
    z.destroy();
  });
});

describeFixture('iommufd_ioas huge page unfill', IOAS_VARIANTS, (fx) => {
  it('removing the last domain keeps exactly the access-pinned pages, around the huge page boundary', () => {
    const f = fx();
    const size = 2 * HPAGE_SIZE;
    const npages = size / PAGE_SIZE;
    const buf = f.mmap(size, { shared: true, hugetlb: '2M', populate: true });
    // [first, last] page ranges pinned by the access, one item each
    const cases: [number, number][][] = [
      [[0, 0]],
      [[1, 1]],
      [[511, 511]],
      [[512, 512]],
      [[1023, 1023]],
      [[510, 513]],
      [
        [0, 0],
        [1023, 1023],
      ],
      [
        [1, 1],
        [3, 3],
        [511, 512],
        [600, 700],
      ],
    ];
    for (const ranges of cases) {
      const x = f.ctx.ioasAlloc();
      const d = x.attachDomain();
      x.map(buf, size, { iova: START });
      const access = f.ctx.createAccess(x, { needsPinPages: true });
      const items = ranges.map(([a, b]) =>
        access.pin(START + BigInt(a) * P, BigInt(b - a + 1) * P, { uptr: buf + a * PAGE_SIZE }),
      );
      f.m.checkRefs(buf, size, 1);
      d.detach();
      const want = new Array<number>(npages).fill(0);
      for (const [a, b] of ranges) for (let i = a; i <= b; i++) want[i] = 1;
      const got = pinCounts(f.m, buf, size);
      if (got.join() !== want.join()) expect({ ranges, got }).toEqual({ ranges, got: want });
      expect(f.m.process.accounting().userLockedVm).toBe(want.reduce((s, v) => s + v, 0));
      f.m.checkInvariants();
      // and back: a new domain takes the pinned pages from the xarray and pins the rest
      const d2 = x.attachDomain();
      d2.checkMap(START, size, buf);
      f.m.checkRefs(buf, size, 1);
      d2.detach();
      for (const it of items) access.unpin(it);
      f.m.checkRefs(buf, size, 0);
      access.close();
      expect(x.unmap(START, size)).toBe(BigInt(size));
      x.destroy();
    }
    expect(f.m.process.accounting().userLockedVm).toBe(0);
    f.munmap(buf, size);
  });
});
