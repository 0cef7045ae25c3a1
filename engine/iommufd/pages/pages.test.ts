import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../base';
import type { IommuDomain } from '../../iommu';
import { addAccess, checkPagesInvariants, removeAccess, rwAccess, unfillDomain } from './index';
import { Fixture } from './testing/fixture';
import { forEachHeldPfn } from './invariants';
import { PfnReader } from './pfn-reader';

const IOVA = 1 << 24;

function expectClean(f: Fixture): void {
  expect(f.kernel.counters.warnings, JSON.stringify(f.kernel.events.events.slice(0, 5))).toBe(0);
}

describe('fill and unfill of domains', () => {
  it('maps an area into every domain, pins once, unfills to zero', () => {
    const f = new Fixture();
    const d1 = f.attachDomain();
    const d2 = f.attachDomain({ kind: 'mock', batchApi: true });
    const len = 64 * PAGE_SIZE;
    const uptr = f.proc.mmap(len, { populate: true });
    const pages = f.pages(uptr, len);
    const area = f.mapArea(pages, IOVA, len, 0);
    expect(checkPagesInvariants(pages)).toEqual([]);
    expect(f.pinCounts(uptr, 64)).toEqual(new Array(64).fill(1));
    for (let i = 0; i < 64; i++) {
      const pfn = f.pfnAt(uptr + i * PAGE_SIZE);
      expect(d1.translate(IOVA + i * PAGE_SIZE)).toBe(pfn * PAGE_SIZE);
      expect(d2.translate(IOVA + i * PAGE_SIZE + 2048)).toBe(pfn * PAGE_SIZE + 2048);
    }
    expect(pages.npinned).toBe(64);
    expect(f.proc.accounting().userLockedVm).toBe(64);
    expect(pages.tierRuns()).toEqual([{ start: 0, last: 63, tier: 'domain' }]);
    expect(pages.pinnedPfns.size).toBe(0);
    expect(pages.engineBytes()).toBeLessThan(200);
    // a third domain reads from the storage domain: no new pins
    const pinsBefore = f.kernel.counters.pagesPinned;
    const d3 = f.attachDomain({ kind: 'pagetable' });
    expect(f.kernel.counters.pagesPinned).toBe(pinsBefore);
    expect(d3.translate(IOVA + 5 * PAGE_SIZE)).toBe(f.pfnAt(uptr + 5 * PAGE_SIZE) * PAGE_SIZE);
    expect(checkPagesInvariants(pages)).toEqual([]);
    f.detachDomain(d1);
    expect(checkPagesInvariants(pages)).toEqual([]);
    f.unmapArea(area);
    expect(f.pinCounts(uptr, 64)).toEqual(new Array(64).fill(0));
    expect(pages.npinned).toBe(0);
    expect(f.proc.accounting().userLockedVm).toBe(0);
    expect(d2.entryCount()).toBe(0);
    expect(d3.entryCount()).toBe(0);
    expect(pages.users.count).toBe(1);
    pages.put();
    expect(pages.released).toBe(true);
    expectClean(f);
  });

  it('trims sub-page area ends and keeps the first page offset', () => {
    const f = new Fixture();
    const d = f.attachDomain();
    const len = 8 * PAGE_SIZE;
    const uptr = f.proc.mmap(len, { populate: true });
    const pages = f.pages(uptr, len);
    // start half way into page 1, end half way into page 6
    const area = f.mapArea(pages, IOVA + 2048, 5 * PAGE_SIZE, PAGE_SIZE + 2048);
    expect(area.index).toBe(1);
    expect(area.lastIndex).toBe(6);
    expect(area.pageOffset).toBe(2048);
    expect(d.translate(IOVA + 2048)).toBe(f.pfnAt(uptr + PAGE_SIZE) * PAGE_SIZE + 2048);
    expect(d.stats().mappedBytes).toBe(5 * PAGE_SIZE);
    expect(checkPagesInvariants(pages)).toEqual([]);
    f.unmapArea(area);
    expect(f.pinCounts(uptr, 8)).toEqual(new Array(8).fill(0));
    expectClean(f);
  });
});

describe('access_domain_destory (§7.4 worked example)', () => {
  it('reads, unmaps and unpins exactly as the kernel does', () => {
    const f = new Fixture({ hugetlbPages2M: 4 });
    const dom = f.attachDomain();
    const { uptr, len, P0, Q0 } = f.twoSeparateHugePages();
    expect(P0 + 512).not.toBe(Q0);
    const pages = f.pages(uptr, len);
    const area = f.mapArea(pages, IOVA, len, 0);
    const out = new Uint32Array(1);
    addAccess(area, 1, 1, out, false, f.proc);
    expect(out[0]).toBe(P0 + 1);
    expect(pages.tierRuns()).toEqual([
      { start: 0, last: 0, tier: 'domain' },
      { start: 1, last: 1, tier: 'xarray' },
      { start: 2, last: 1023, tier: 'domain' },
    ]);

    // record the driver's unmaps and the frame unpins
    const unmaps: [number, number][] = [];
    const base = dom as IommuDomain & { unmapPages: IommuDomain['unmapPages'] };
    const origUnmap = base.unmapPages.bind(base);
    base.unmapPages = (iova, pgsize, pgcount, gather) => {
      unmaps.push([(iova - IOVA) / PAGE_SIZE, (iova + pgsize * pgcount - IOVA) / PAGE_SIZE - 1]);
      return origUnmap(iova, pgsize, pgcount, gather);
    };
    const unpins: [number, number][] = [];
    const phys = f.mem.phys;
    const origUnpin = phys.unpinRange.bind(phys);
    phys.unpinRange = (pfn, n, dirty) => {
      unpins.push([pfn, n]);
      origUnpin(pfn, n, dirty);
    };
    const reads0 = dom.stats().iovaToPhysCalls;
    const probes0 = f.kernel.events.probes;

    // the only domain goes away (iopt_unfill_domain for the last domain)
    f.iopt.domains.splice(0, 1);
    pages.domainsItree.remove(area.domainsNode!);
    area.domainsNode = null;
    area.storageDomain = null;
    unfillDomain(area, pages, dom);

    // hole [0,0]: read P0, continue reads 1..512 (stops at Q0); hole [2,1023]: reads 512..1023
    expect(dom.stats().iovaToPhysCalls - reads0).toBe(1 + 512 + 512);
    expect(unmaps).toEqual([
      [0, 511],
      [512, 1023],
    ]);
    // unpin index 0; then the carry P2..P511 and Q0..Q511
    expect(unpins).toEqual([
      [P0, 1],
      [P0 + 2, 510],
      [Q0, 512],
    ]);
    expect(f.kernel.events.probes).toBe(probes0);
    expect(pages.npinned).toBe(1);
    expect(pages.lastNpinned).toBe(1);
    expect(f.mem.phys.pinCount(P0 + 1)).toBe(1);
    expect(f.mem.phys.pinCount(P0)).toBe(0);
    expect(dom.entryCount()).toBe(0);
    expect(checkPagesInvariants(pages)).toEqual([]);
    expectClean(f);
    removeAccess(area, 1, 1);
    expect(pages.npinned).toBe(0);
    expect(f.mem.phys.pinCount(P0 + 1)).toBe(0);
    dom.free();
    expectClean(f);
  });
});

describe('accesses and the xarray', () => {
  it('fills the xarray only for access-held indexes, shares identical ranges', () => {
    const f = new Fixture();
    const len = 32 * PAGE_SIZE;
    const uptr = f.proc.mmap(len, { populate: true });
    const pages = f.pages(uptr, len);
    const area = f.mapArea(pages, IOVA, len, 0); // no domain: nothing pinned
    expect(pages.npinned).toBe(0);
    const a = new Uint32Array(8);
    addAccess(area, 4, 11, a, true, f.proc);
    expect(pages.pinnedPfns.size).toBe(8);
    for (let i = 0; i < 8; i++) expect(a[i]).toBe(f.pfnAt(uptr + (4 + i) * PAGE_SIZE));
    const b = new Uint32Array(8);
    addAccess(area, 4, 11, b, false, f.proc);
    expect([...b]).toEqual([...a]);
    expect(pages.accessItree.size).toBe(1);
    const c = new Uint32Array(10);
    addAccess(area, 8, 17, c, false, f.proc);
    expect(pages.npinned).toBe(14);
    expect(f.pinCounts(uptr, 32).filter((x) => x === 1).length).toBe(14);
    expect(checkPagesInvariants(pages)).toEqual([]);
    const d = f.attachDomain();
    expect(pages.npinned).toBe(32);
    expect(checkPagesInvariants(pages)).toEqual([]);
    removeAccess(area, 4, 11);
    expect(pages.pinnedPfns.size).toBe(14);
    removeAccess(area, 4, 11);
    expect(pages.pinnedPfns.size).toBe(10);
    expect(checkPagesInvariants(pages)).toEqual([]);
    f.detachDomain(d);
    expect(pages.npinned).toBe(10);
    expect(checkPagesInvariants(pages)).toEqual([]);
    let held = 0;
    forEachHeldPfn(pages, (_pfn, n) => (held += n));
    expect(held).toBe(10);
    removeAccess(area, 8, 17);
    expect(pages.npinned).toBe(0);
    expect(pages.pinnedPfns.size).toBe(0);
    expect(f.pinCounts(uptr, 32)).toEqual(new Array(32).fill(0));
    f.unmapArea(area);
    expectClean(f);
  });

  it('rejects a write access to read-only pages with EPERM', () => {
    const f = new Fixture();
    const uptr = f.proc.mmap(4 * PAGE_SIZE, { populate: true });
    const pages = f.pages(uptr, 4 * PAGE_SIZE, false);
    const area = f.mapArea(pages, IOVA, 4 * PAGE_SIZE, 0);
    expect(() => addAccess(area, 0, 1, new Uint32Array(2), true, f.proc)).toThrow(/read-only/);
  });
});

describe('rw access', () => {
  it('fast, single-page and slow paths read and write the same bytes', () => {
    const f = new Fixture();
    const d = f.attachDomain();
    void d;
    const len = 16 * PAGE_SIZE;
    const uptr = f.proc.mmap(len, { populate: true });
    const init = new Uint8Array(len);
    for (let i = 0; i < len; i++) init[i] = (i * 7) & 0xff;
    f.proc.write(uptr, init);
    const pages = f.pages(uptr, len);
    f.mapArea(pages, IOVA, 8 * PAGE_SIZE, 0); // half in a domain, half not
    const other = f.mem.createProcess();
    for (const [slowPath, who] of [
      [false, f.proc],
      [true, f.proc],
      [false, other],
    ] as const) {
      const buf = new Uint8Array(5 * PAGE_SIZE);
      rwAccess(pages, 3 * PAGE_SIZE + 100, buf, 0, buf.length, { write: false, slowPath }, who);
      expect(buf).toEqual(init.subarray(3 * PAGE_SIZE + 100, 8 * PAGE_SIZE + 100));
      const one = new Uint8Array(50);
      rwAccess(pages, 10 * PAGE_SIZE + 7, one, 0, 50, { write: false, slowPath }, who);
      expect(one).toEqual(init.subarray(10 * PAGE_SIZE + 7, 10 * PAGE_SIZE + 57));
    }
    const w = new Uint8Array(3 * PAGE_SIZE).fill(0xab);
    rwAccess(pages, 6 * PAGE_SIZE + 5, w, 0, w.length, { write: true, slowPath: true }, f.proc);
    expect(f.proc.read(uptr + 6 * PAGE_SIZE + 5, w.length)).toEqual(w);
    expect(pages.npinned).toBe(8);
    expect(f.pinCounts(uptr, 16)).toEqual([...new Array(8).fill(1), ...new Array(8).fill(0)]);
    expect(checkPagesInvariants(pages)).toEqual([]);
    expectClean(f);
  });
});

describe('the §7.4 read-ahead probe', () => {
  it('reads past unmapped_end as a probe, never a warning', () => {
    const f = new Fixture({ fragmentation: 0 });
    const dom = f.attachDomain();
    const len = 10 * PAGE_SIZE;
    const uptr = f.proc.mmap(len, { populate: true });
    const p0 = f.pfnAt(uptr);
    for (let i = 0; i < 10; i++) expect(f.pfnAt(uptr + i * PAGE_SIZE)).toBe(p0 + i);
    const pages = f.pages(uptr, len);
    const area = f.mapArea(pages, IOVA, len, 0);
    addAccess(area, 1, 1, new Uint32Array(1), false, f.proc);
    addAccess(area, 3, 3, new Uint32Array(1), false, f.proc);
    const unmaps0 = dom.stats().unmapCalls;
    f.detachDomain(dom);
    expect(f.kernel.events.probes).toBe(1);
    expect(dom.stats().unmapCalls - unmaps0).toBe(1);
    expect(pages.npinned).toBe(2);
    expect(f.pinCounts(uptr, 10)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(checkPagesInvariants(pages)).toEqual([]);
    expectClean(f);
  });
});

describe('§13 batch API', () => {
  it('gives the same domain contents as the per-page / per-run path', () => {
    for (const kind of ['mock', 'pagetable'] as const) {
      const f = new Fixture({ fragmentation: 0.6 });
      const plain = f.attachDomain({ kind });
      const batch = f.attachDomain({ kind, batchApi: true });
      f.kernel.tempMemoryLimit = 60; // several batches
      const len = 300 * PAGE_SIZE;
      const uptr = f.proc.mmap(len, { populate: true });
      const pages = f.pages(uptr, len);
      const area = f.mapArea(pages, IOVA, len, 0);
      expect(batch.mappedRanges()).toEqual(plain.mappedRanges());
      for (let a = IOVA; a < IOVA + len; a += 2048) expect(batch.translate(a)).toBe(plain.translate(a));
      // a third domain filled from the batch-API storage domain
      f.detachDomain(plain);
      const again = f.attachDomain({ kind });
      for (let a = IOVA; a < IOVA + len; a += 2048) expect(again.translate(a)).toBe(batch.translate(a));
      expect(f.kernel.counters.mapPfnListCalls).toBeGreaterThan(0);
      expect(f.kernel.counters.readPfnsCalls).toBeGreaterThan(0);
      expect(checkPagesInvariants(pages)).toEqual([]);
      f.unmapArea(area);
      expect(f.pinCounts(uptr, 300)).toEqual(new Array(300).fill(0));
      expectClean(f);
    }
  });
});

describe('skipCarry deviation at one-run batches (README, §4.1, §7.4)', () => {
  it('the unfill batch at TEMP_MEMORY_LIMIT 12 has one run; an emptied carry must not block the next read', () => {
    const f = new Fixture({ hugetlbPages2M: 4 });
    const dom = f.attachDomain();
    const { uptr, len, P0, Q0 } = f.twoSeparateHugePages();
    expect(P0 + 512).not.toBe(Q0);
    const pages = f.pages(uptr, len);
    const area = f.mapArea(pages, IOVA, len, 0);
    // an access longer than the carry the first hole leaves (P1..P511)
    const out = new Uint32Array(600);
    addAccess(area, 1, 600, out, false, f.proc);
    // §4.1: a backup path gets the stack backup only when max_pages * 12 < 256
    // (and then max_pages runs); otherwise min(size, limit) → one run at 12 bytes
    f.kernel.tempMemoryLimit = 12;
    const unmaps: [number, number][] = [];
    const base = dom as IommuDomain & { unmapPages: IommuDomain['unmapPages'] };
    const origUnmap = base.unmapPages.bind(base);
    base.unmapPages = (iova, pgsize, pgcount, gather) => {
      unmaps.push([(iova - IOVA) / PAGE_SIZE, (iova + pgsize * pgcount - IOVA) / PAGE_SIZE - 1]);
      return origUnmap(iova, pgsize, pgcount, gather);
    };
    f.iopt.domains.splice(0, 1);
    pages.domainsItree.remove(area.domainsNode!);
    area.domainsNode = null;
    area.storageDomain = null;
    unfillDomain(area, pages, dom);
    // the kernel's zero-length slot 0 would fill the one-run batch, and
    // unpin_domain would unmap [512, 600] — a cut through the Q map call
    expect(unmaps).toEqual([
      [0, 511],
      [512, 1023],
    ]);
    expect(pages.npinned).toBe(600);
    expect(dom.entryCount()).toBe(0);
    expect(checkPagesInvariants(pages)).toEqual([]);
    expectClean(f);
    removeAccess(area, 1, 600);
    expect(pages.npinned).toBe(0);
    dom.free();
    expectClean(f);
  });
});

describe('pfn_reader_next test-build assertion (§6.1)', () => {
  it('a span iterator that ends before the range fails EINVAL instead of reading on', () => {
    const f = new Fixture();
    const len = 4 * PAGE_SIZE;
    const uptr = f.proc.mmap(len);
    // fault the pages in reverse so no two PFNs are contiguous
    for (let i = 3; i >= 0; i--) f.proc.write(uptr + i * PAGE_SIZE, new Uint8Array([1]));
    const pages = f.pages(uptr, len);
    f.kernel.tempMemoryLimit = 12; // one run per batch
    const reader = PfnReader.first(pages, f.proc, 0, 3);
    expect(reader.batchEndIndex).toBe(1);
    reader.unpin(); // consume the batch like rw_slow does before next()
    reader.span.isUsed = -1; // corrupt: the span claims to be done
    expect(() => reader.next()).toThrow(expect.objectContaining({ errno: 'EINVAL' }));
    expect(f.kernel.counters.warnings).toBe(1);
    reader.destroy();
    expect(pages.npinned).toBe(0);
  });
});
