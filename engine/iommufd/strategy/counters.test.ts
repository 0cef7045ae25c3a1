/**
 * What each strategy costs, checked against figures derived here from the
 * layout alone (the buffer's contiguous PFN runs, read from the process's
 * page table): map with D domains, attach one more domain to the populated
 * IOAS, an access pin, unmap, detach.
 */
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, type Counters } from '../../base';
import { Machine } from '../machine';
import { strategyArg, STRATEGY_NAMES, type StrategyName } from './names';
import type { StrategyIommufd } from './types';

const N = 300; // pages: one batch of every kind (iommufd 64 KiB of runs, vfio 512 pages)
const D = 3;

function delta(m: Machine<StrategyIommufd>, fn: () => void): Counters {
  const before = { ...m.kernel.counters };
  fn();
  const out = { ...m.kernel.counters };
  for (const k of Object.keys(out) as (keyof Counters)[]) out[k] -= before[k];
  return out;
}

function setup(strategy: StrategyName, fragmentation: number) {
  const m = new Machine<StrategyIommufd>({ seed: 7 });
  m.configure({ strategy, physicalMemory: 128 * 1024 * 1024, fragmentation, hugetlbPages2M: 0 });
  const buf = m.process.mmap(N * PAGE_SIZE, { populate: true });
  // the layout: contiguous PFN runs of the buffer
  let runs = 0;
  for (let i = 0; i < N; i++) {
    const pfn = m.process.translate(buf + i * PAGE_SIZE);
    if (i === 0 || pfn !== m.process.translate(buf + (i - 1) * PAGE_SIZE) + 1) runs++;
  }
  const ctx = m.open();
  const ioas = ctx.ioasAlloc();
  return { m, buf, runs, ctx, ioas };
}

describe('strategy counters follow the layout', () => {
  for (const frag of [0, 0.5, 1])
    for (const s of STRATEGY_NAMES)
      it(`${s}, fragmentation ${frag}`, () => {
        const { m, buf, runs, ctx, ioas } = setup(s, frag);
        if (frag === 1) expect(runs).toBe(N);
        const doms = Array.from({ length: D }, () => ioas.attachDomain({ kind: 'pagetable' }));
        let iova = 0n;
        const map = delta(m, () => (iova = ioas.map(buf, N * PAGE_SIZE)));
        const attach = delta(m, () => doms.push(ioas.attachDomain({ kind: 'pagetable' })));
        const acc = ctx.createAccess(ioas, { needsPinPages: true });
        const pin = delta(m, () => acc.pin(iova, 16 * PAGE_SIZE));
        const pinned0 = m.pinCount(buf);
        acc.close();
        const unmap = delta(m, () => ioas.unmap(iova, N * PAGE_SIZE));
        m.checkInvariants();
        if (s === 'naive') {
          expect(map.iommuMapCalls).toBe(N * D);
          expect(map.pagesPinned).toBe(N * D);
          expect(attach.iommuMapCalls).toBe(N);
          expect(attach.pagesPinned).toBe(N);
          expect(attach.iovaToPhysCalls).toBe(0);
          expect(pin.pagesPinned).toBe(16);
          expect(pinned0).toBe(D + 2);
          expect(unmap.iommuUnmapCalls).toBe(N * (D + 1));
          expect(unmap.pagesUnpinned).toBe(N * (D + 1));
        } else if (s === 'vfio-type1') {
          expect(map.pagesPinned).toBe(N);
          expect(map.pinCalls).toBe(Math.ceil(N / 512));
          expect(map.iommuMapCalls).toBe(runs * D);
          expect(map.tempMemoryPeakBytes).toBeLessThanOrEqual(PAGE_SIZE);
          // replay: read back from the first domain, one map call per chunk
          expect(attach.pagesPinned).toBe(0);
          expect(attach.iovaToPhysCalls).toBe(N + runs - 1);
          expect(attach.iommuMapCalls).toBe(runs);
          // vfio_pin_pages pins again what the domains pinned
          expect(pin.pagesPinned).toBe(16);
          expect(pinned0).toBe(2);
          // unmap: other domains in one call each, the first read back page by page
          expect(unmap.iovaToPhysCalls).toBe(N + runs - 1);
          expect(unmap.iommuUnmapCalls).toBe(runs + D);
          expect(unmap.pagesUnpinned).toBe(N);
        } else {
          expect(map.pagesPinned).toBe(N);
          expect(attach.pagesPinned).toBe(0);
          expect(pin.pagesPinned).toBe(0); // served from the domain
          expect(pinned0).toBe(1);
          expect(unmap.pagesUnpinned).toBe(N);
          if (s === 'iommufd') {
            expect(map.iommuMapCalls).toBe(runs * D);
            expect(attach.iommuMapCalls).toBe(runs);
            expect(map.mapPfnListCalls + attach.readPfnsCalls).toBe(0);
          } else {
            // one mapPfnList per batch per domain, one readPfns per batch read back
            expect(map.iommuMapCalls).toBe(0);
            expect(map.mapPfnListCalls).toBe(D);
            expect(attach.mapPfnListCalls).toBe(1);
            expect(attach.readPfnsCalls).toBe(1);
            expect(attach.iovaToPhysCalls).toBe(0);
          }
        }
        expect(m.teardownCheck()).toEqual([]);
      });

  it('vfio-type1 accounting: locked_vm once per dma page, external pins charged only without a domain', () => {
    const { m, buf, ctx, ioas } = setup('vfio-type1', 0.5);
    const iova = ioas.map(buf, N * PAGE_SIZE);
    expect(m.process.accounting().mmLockedVm).toBe(0); // no domain: nothing pinned
    const acc = ctx.createAccess(ioas, { needsPinPages: true });
    const item = acc.pin(iova, 8 * PAGE_SIZE);
    expect(m.process.accounting().mmLockedVm).toBe(8);
    const d = ioas.attachDomain({ kind: 'pagetable' });
    expect(m.process.accounting().mmLockedVm).toBe(N); // replay skips the pfn_list pages
    expect(m.pinCount(buf)).toBe(2);
    d.detach(); // the last domain: unmap_unpin_reaccount
    expect(m.process.accounting().mmLockedVm).toBe(8);
    acc.unpin(item);
    expect(m.process.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
    m.checkInvariants();
    expect(m.teardownCheck()).toEqual([]);
  });

  it('vfio-type1 detach: a domain that is not the last costs no unmap call; the last reads back and unpins', () => {
    const { m, buf, runs, ioas } = setup('vfio-type1', 0.5);
    const a = ioas.attachDomain({ kind: 'pagetable' });
    const b = ioas.attachDomain({ kind: 'mock' });
    ioas.map(buf, N * PAGE_SIZE);
    const first = delta(m, () => a.detach());
    expect(first.iommuUnmapCalls + first.iovaToPhysCalls + first.pagesUnpinned).toBe(0);
    m.checkInvariants(); // b is now the first domain, read back from
    const last = delta(m, () => b.detach());
    expect(last.iovaToPhysCalls).toBe(N + runs - 1);
    expect(last.pagesUnpinned).toBe(N);
    expect(m.process.accounting().mmLockedVm).toBe(0);
    m.checkInvariants();
    expect(m.teardownCheck()).toEqual([]);
  });

  it('vfio-type1: an access that keeps its pins makes the unmap fail (EDEADLOCK), the dma stays', () => {
    const { m, buf, ctx, ioas } = setup('vfio-type1', 0.5);
    ioas.attachDomain({ kind: 'pagetable' });
    const iova = ioas.map(buf, N * PAGE_SIZE);
    const acc = ctx.createAccess(ioas, { needsPinPages: true, onUnmap: 'ignore' });
    acc.pin(iova, PAGE_SIZE);
    expect(() => ioas.unmap(iova, N * PAGE_SIZE)).toThrow(expect.objectContaining({ errno: 'EDEADLOCK' }));
    expect(m.pinCount(buf)).toBe(2);
    acc.close();
    expect(ioas.unmap(iova, N * PAGE_SIZE)).toBe(BigInt(N * PAGE_SIZE));
    m.checkInvariants();
    expect(m.teardownCheck()).toEqual([]);
  });

  for (const s of ['naive', 'vfio-type1'] as const)
    it(`${s}: inspect answers tiers, phys and domains from the strategy's state`, () => {
      const { m, buf, runs, ctx, ioas } = setup(s, 0.5);
      ioas.attachDomain({ kind: 'pagetable' });
      const iova = ioas.map(buf, N * PAGE_SIZE);
      ctx.createAccess(ioas, { needsPinPages: true }).pin(iova, 10 * PAGE_SIZE);
      const [tiers, phys, doms] = m.inspect([
        { kind: 'tiers', buckets: 1 },
        { kind: 'phys', buckets: 4, highlight: { key: `${m.process.pid}:${buf}:${N}` } },
        { kind: 'domains' },
      ]);
      if (tiers.kind !== 'tiers' || phys.kind !== 'phys' || doms.kind !== 'domains')
        throw new Error('answer kinds');
      // one bucket: [none, domain, xarray, both]
      expect([...tiers.counts]).toEqual([0, N - 10, 0, 10]);
      expect(tiers.areas).toHaveLength(1);
      expect(phys.highlightFrames).toBe(N);
      expect(phys.highlightRuns).toBe(runs);
      expect(doms.domains).toHaveLength(1);
      expect(doms.domains[0].stats.mappedBytes).toBe(N * PAGE_SIZE);
      expect(m.teardownCheck()).toEqual([]);
    });

  it('vfio-type1 RLIMIT_MEMLOCK: ENOMEM past the limit, nothing left behind', () => {
    const { m, buf, ioas } = setup('vfio-type1', 0.5);
    m.process.memlockLimit = 100 * PAGE_SIZE;
    ioas.attachDomain({ kind: 'pagetable' });
    expect(() => ioas.map(buf, N * PAGE_SIZE)).toThrow(expect.objectContaining({ errno: 'ENOMEM' }));
    expect(m.process.accounting().mmLockedVm).toBe(0);
    expect(m.pinCount(buf)).toBe(0);
    m.checkInvariants();
    expect(m.teardownCheck()).toEqual([]);
  });

  it('unknown strategy: EINVAL naming the valid ones; configure keeps the strategy; EOPNOTSUPP names it', () => {
    const m = new Machine<StrategyIommufd>({ seed: 1 });
    expect(() => m.configure({ strategy: 'vfio' })).toThrow(
      /'iommufd', 'iommufd\+batch-api', 'naive', 'vfio-type1'/,
    );
    expect(() => strategyArg(3)).toThrow(expect.objectContaining({ errno: 'EINVAL' }));
    m.configure({ strategy: 'vfio-type1' });
    m.configure({ physicalMemory: 64 * 1024 * 1024, hugetlbPages2M: 0 });
    expect(m.strategy).toBe('vfio-type1');
    const ioas = m.open().ioasAlloc();
    expect(() => ioas.copyFrom(ioas, 0, PAGE_SIZE)).toThrow(expect.objectContaining({ errno: 'EOPNOTSUPP' }));
    expect(() => ioas.setOption('HUGE_PAGES', 0)).toThrow(/vfio-type1/);
    m.process.mmap(PAGE_SIZE);
    expect(() => m.configure({ strategy: 'naive' })).toThrow(expect.objectContaining({ errno: 'EBUSY' }));
  });
});
