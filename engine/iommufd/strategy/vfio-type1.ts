/**
 * Strategy 'vfio-type1': a model of VFIO's type1 IOMMU backend
 * (drivers/vfio/vfio_iommu_type1.c, v6.x; written from reading it, no
 * kernel code). The IOAS is the container, a mapping is a vfio_dma.
 *
 * - map (vfio_dma_do_map → vfio_pin_map_dma): with no domain nothing is
 *   pinned. Otherwise the dma is pinned once, in contiguous chunks
 *   (vfio_pin_pages_remote: pin_user_pages in batches of up to 512 pages —
 *   one page of struct page pointers, the temporary memory — a chunk ends
 *   where the PFNs stop being contiguous, each chunk charged to the mm's
 *   locked_vm, vfio_lock_acct, RLIMIT_MEMLOCK checked unless the task had
 *   CAP_IPC_LOCK at map time), and each chunk is mapped into every domain
 *   with one iommu_map (vfio_iommu_map).
 * - a domain attached to a populated container (vfio_iommu_replay): every
 *   dma is mapped into it, chunk by chunk, the PFNs read back from the
 *   first domain with one iova_to_phys per page (plus one past each chunk);
 *   with no domain yet the dma is pinned then.
 * - unmap (vfio_unmap_unpin): every other domain unmaps the whole dma in
 *   one call; the first domain is read back page by page (iova_to_phys),
 *   unmapped in contiguous chunks (iommu_unmap_fast, synced every 512
 *   regions), the pages unpinned and uncharged.
 * - access pins (vfio_pin_pages): per page; a page already in the dma's
 *   pfn_list takes a reference, otherwise it is pinned again (a second pin
 *   where a domain pinned it) and charged only while no domain exists.
 *   Unpin drops the reference; the last one unpins (uncharged only while no
 *   domain exists). A dma with external pins makes unmap notify the driver.
 * - detach: a domain that is not the last is freed with its page tables
 *   (no unmap calls: the model clears the emulated domain and takes the
 *   work counters back); the last one goes through
 *   vfio_iommu_unmap_unpin_reaccount (unmap and unpin every dma, charge
 *   the pfn_list pages again) and the dmas stay.
 */
import { fail, PAGE_SIZE } from '../../base';
import {
  iommuIovaToPhys,
  iommuMap,
  iommuUnmap,
  IOMMU_CACHE,
  IOMMU_READ,
  IOMMU_WRITE,
  type IommuDomain,
} from '../../iommu';
import { accountLockedVm, memlockLimitPages, type Process } from '../../mm';
import { tempCharge, tempRelease } from '../pages/temp-memory';
import { StrategyIoas } from './ioas';
import { unsupported } from './names';
import { Mapping, type MappingView } from './types';

/** VFIO_BATCH_MAX_CAPACITY: PAGE_SIZE / sizeof(struct page *). */
export const VFIO_BATCH_CAPACITY = PAGE_SIZE / 8;
/** VFIO_IOMMU_TLB_SYNC_MAX: fast-unmap regions between two syncs. */
const TLB_SYNC_MAX = 512;

/**
 * iova_to_phys answers 0 for "not mapped"; vfio takes 0 as that. A real
 * machine never hands PFN 0 to a process, the emulator can: a 0 answer is
 * checked against the domain (uncounted), so frame 0 is not taken for a hole.
 */
function isFrameZero(d: IommuDomain, iova: number): boolean {
  return d.translate(iova) === 0;
}

/** struct vfio_dma */
export class Type1Dma extends Mapping {
  /** dma->iommu_mapped: pinned and mapped into the domains. */
  iommuMapped = false;
  /** Pages pinned and mapped so far (dma->size while vfio_pin_map_dma runs). */
  mappedPages = 0;
  /** dma->pfn_list: external pins by page index. */
  readonly vpfns = new Map<number, { pfn: number; ref: number }>();
  /** Pages charged to the mm's locked_vm for this dma. */
  accounted = 0;
  constructor(
    iova: bigint,
    length: bigint,
    uptr: number,
    prot: number,
    task: Process,
    /** dma->lock_cap: capable(CAP_IPC_LOCK) at map time. */
    readonly lockCap: boolean,
  ) {
    super(iova, length, uptr, prot, task);
  }
}

/** struct vfio_batch */
class Batch {
  readonly pages = new Uint32Array(VFIO_BATCH_CAPACITY);
  size = 0;
  offset = 0;
}

export class Type1Ioas extends StrategyIoas<Type1Dma> {
  private readonly one = new Uint32Array(1);

  protected newMapping(iova: bigint, length: bigint, uptr: number, prot: number, task: Process): Type1Dma {
    return new Type1Dma(iova, length, uptr, prot, task, task.capIpcLock);
  }

  private write(dma: Type1Dma): boolean {
    return (dma.prot & IOMMU_WRITE) !== 0;
  }

  /** vfio_lock_acct → __account_locked_vm on the dma's mm (limit unless lock_cap). */
  private lockAcct(dma: Type1Dma, npage: number): void {
    if (npage === 0) return;
    accountLockedVm(
      dma.task.mm,
      { memlockLimit: dma.task.memlockLimit, capIpcLock: dma.lockCap },
      Math.abs(npage),
      npage > 0,
    );
    dma.accounted += npage;
  }

  private withBatch<T>(fn: (b: Batch) => T): T {
    // vfio_batch_init: one page of struct page pointers
    const kernel = this.ctx.kernel;
    tempCharge(kernel, PAGE_SIZE);
    try {
      return fn(new Batch());
    } finally {
      tempRelease(kernel, PAGE_SIZE);
    }
  }

  /** vfio_batch_unpin: drop what the batch pinned ahead of the chunk. */
  private batchUnpin(b: Batch): void {
    if (b.size > 0) this.phys.unpinPages(b.pages, b.offset, b.size, false);
    b.size = 0;
  }

  /**
   * vfio_pin_pages_remote: pin a physically contiguous chunk starting at
   * page `index` (at most npage pages) and charge it. Returns its length;
   * its first PFN is left in `chunkPfn` (no allocation per chunk).
   */
  private pinChunk(dma: Type1Dma, index: number, npage: number, b: Batch): number {
    const limit = memlockLimitPages(dma.task);
    const mm = dma.task.mm;
    const vpfns = dma.vpfns.size !== 0 ? dma.vpfns : null;
    const checkLimit = !dma.lockCap && limit !== Infinity;
    let pfnBase = b.size > 0 ? b.pages[b.offset] : -1;
    let pinned = 0;
    let lockAcct = 0;
    let idx = index;
    let left = npage;
    try {
      outer: while (left > 0) {
        if (b.size === 0) {
          const req = Math.min(left, VFIO_BATCH_CAPACITY);
          // vaddr_get_pfns → pin_user_pages_remote(FOLL_LONGTERM)
          b.size = mm.pinUserPages(dma.uptr + idx * PAGE_SIZE, req, this.write(dma), b.pages, 0);
          b.offset = 0;
          if (pfnBase < 0) pfnBase = b.pages[0];
        }
        for (;;) {
          if (b.pages[b.offset] !== pfnBase + pinned) break outer;
          // pages in the pfn_list are charged already
          if (vpfns === null || !vpfns.has(idx)) {
            if (checkLimit && mm.lockedVm + lockAcct + 1 > limit)
              fail(
                'ENOMEM',
                `vfio-type1: RLIMIT_MEMLOCK (${limit} pages) exceeded pinning the dma at 0x${dma.iova.toString(16)}`,
              );
            lockAcct++;
          }
          pinned++;
          left--;
          idx++;
          b.offset++;
          b.size--;
          if (b.size === 0) break;
        }
      }
      this.lockAcct(dma, lockAcct);
    } catch (e) {
      if (pinned > 0) this.phys.unpinRange(pfnBase, pinned, false);
      this.batchUnpin(b);
      throw e;
    }
    this.chunkPfn = pfnBase;
    return pinned;
  }

  /** First PFN of the chunk pinChunk returned last. */
  private chunkPfn = 0;

  /** vfio_unpin_pages_remote: returns pages unpinned; charges back the non-pfn_list ones when asked. */
  private unpinChunk(dma: Type1Dma, index: number, pfn: number, n: number, doAccounting: boolean): number {
    this.phys.unpinRange(pfn, n, this.write(dma));
    let locked = 0;
    if (dma.vpfns.size !== 0) for (let i = index; i < index + n; i++) if (dma.vpfns.has(i)) locked++;
    if (doAccounting) this.lockAcct(dma, locked - n);
    return n;
  }

  /** vfio_iommu_map: one iommu_map per domain; undone in the earlier domains on failure. */
  private mapAll(iova: number, pfn: number, n: number, prot: number): void {
    const doms = this.hw();
    for (let k = 0; k < doms.length; k++) {
      try {
        iommuMap(doms[k], iova, pfn * PAGE_SIZE, n * PAGE_SIZE, prot | IOMMU_CACHE);
      } catch (e) {
        for (let j = 0; j < k; j++) iommuUnmap(doms[j], iova, n * PAGE_SIZE);
        throw e;
      }
    }
  }

  /** vfio_pin_map_dma */
  protected storeMapping(dma: Type1Dma): void {
    if (this.doms.length === 0) return; // pinned at the first attach (replay) or per page (vfio_pin_pages)
    const n = dma.npages;
    let err: unknown = null;
    this.withBatch((b) => {
      while (dma.mappedPages < n) {
        const at = dma.mappedPages;
        let cnt: number;
        try {
          cnt = this.pinChunk(dma, at, n - at, b);
        } catch (e) {
          err = e;
          return;
        }
        const pfn = this.chunkPfn;
        try {
          this.mapAll(dma.iovaOf(at), pfn, cnt, dma.prot);
        } catch (e) {
          this.unpinChunk(dma, at, pfn, cnt, true);
          this.batchUnpin(b);
          err = e;
          return;
        }
        dma.mappedPages += cnt;
      }
    });
    dma.iommuMapped = true;
    if (err !== null) {
      this.unmapUnpin(dma, true); // vfio_remove_dma
      throw err;
    }
  }

  /**
   * vfio_unmap_unpin over what the dma has mapped. Returns the pages
   * unpinned (0 when doAccounting: they were uncharged here).
   */
  private unmapUnpin(dma: Type1Dma, doAccounting: boolean): number {
    const n = dma.mappedPages;
    if (n === 0 || this.doms.length === 0) return 0;
    const doms = this.hw();
    const d0 = doms[0];
    for (let k = 1; k < doms.length; k++) iommuUnmap(doms[k], dma.iovaOf(0), n * PAGE_SIZE);
    let unlocked = 0;
    const regions: number[] = []; // (index, pfn, pages) triples
    const sync = (): void => {
      for (let r = 0; r < regions.length; r += 3)
        unlocked += this.unpinChunk(dma, regions[r], regions[r + 1], regions[r + 2], false);
      regions.length = 0;
    };
    let i = 0;
    while (i < n) {
      const phys = iommuIovaToPhys(d0, dma.iovaOf(i));
      if (phys === 0 && !isFrameZero(d0, dma.iovaOf(i))) {
        i++; // WARN_ON(!phys) — the domain warned already
        continue;
      }
      let len = 1;
      for (; i + len < n; len++)
        if (iommuIovaToPhys(d0, dma.iovaOf(i + len)) !== phys + len * PAGE_SIZE) break;
      const unmapped = iommuUnmap(d0, dma.iovaOf(i), len * PAGE_SIZE) / PAGE_SIZE;
      if (unmapped === 0) {
        this.ctx.kernel.warn('vfio-type1', `iommu_unmap of 0x${dma.iovaOf(i).toString(16)} unmapped nothing`);
        break;
      }
      regions.push(i, phys / PAGE_SIZE, unmapped);
      i += unmapped;
      if (regions.length / 3 >= TLB_SYNC_MAX) sync();
    }
    dma.iommuMapped = false;
    sync();
    dma.mappedPages = 0;
    if (doAccounting) {
      this.lockAcct(dma, -unlocked);
      return 0;
    }
    return unlocked;
  }

  protected removeMapping(dma: Type1Dma): void {
    this.unmapUnpin(dma, true);
  }

  protected hasAccessPins(dma: Type1Dma): boolean {
    return dma.vpfns.size !== 0;
  }

  /** vfio_iommu_replay */
  protected addDomain(hw: IommuDomain): void {
    const d = this.doms.length !== 0 ? this.doms[0].hw : null;
    const dmas = this.mappings();
    const done: { dma: Type1Dma; index: number; pfn: number; n: number; pinned: boolean }[] = [];
    try {
      this.withBatch((b) => {
        for (const dma of dmas) {
          const n = dma.npages;
          let i = 0;
          while (i < n) {
            let pfn: number;
            let cnt: number;
            if (dma.iommuMapped) {
              if (d === null) {
                this.ctx.kernel.warn('vfio-type1', 'dma mapped without a domain');
                fail('EINVAL', 'vfio-type1: a dma is mapped but no domain holds it');
              }
              const phys = iommuIovaToPhys(d, dma.iovaOf(i));
              if (phys === 0 && !isFrameZero(d, dma.iovaOf(i))) {
                i++;
                continue;
              }
              cnt = 1;
              while (i + cnt < n && iommuIovaToPhys(d, dma.iovaOf(i + cnt)) === phys + cnt * PAGE_SIZE) cnt++;
              pfn = phys / PAGE_SIZE;
            } else {
              cnt = this.pinChunk(dma, i, n - i, b);
              pfn = this.chunkPfn;
            }
            try {
              iommuMap(hw, dma.iovaOf(i), pfn * PAGE_SIZE, cnt * PAGE_SIZE, dma.prot | IOMMU_CACHE);
            } catch (e) {
              if (!dma.iommuMapped) {
                this.unpinChunk(dma, i, pfn, cnt, true);
                this.batchUnpin(b);
              }
              throw e;
            }
            done.push({ dma, index: i, pfn, n: cnt, pinned: !dma.iommuMapped });
            i += cnt;
          }
        }
      });
    } catch (e) {
      // unwind: unmap the new domain, unpin what this replay pinned
      for (const c of done.reverse()) {
        iommuUnmap(hw, c.dma.iovaOf(c.index), c.n * PAGE_SIZE);
        if (c.pinned) this.unpinChunk(c.dma, c.index, c.pfn, c.n, true);
      }
      throw e;
    }
    for (const dma of dmas) {
      if (!dma.iommuMapped) dma.mappedPages = dma.npages;
      dma.iommuMapped = true;
    }
  }

  protected removeDomain(hw: IommuDomain): void {
    if (this.doms.length > 1) {
      // iommu_domain_free releases the tables wholesale: clear the emulated
      // domain for the teardown checks without counting that work
      const c = this.ctx.kernel.counters;
      const saved = { ...c };
      for (const dma of this.mappings())
        if (dma.mappedPages > 0) iommuUnmap(hw, dma.iovaOf(0), dma.mappedPages * PAGE_SIZE);
      Object.assign(c, saved);
      return;
    }
    // the last domain: vfio_iommu_unmap_unpin_reaccount
    for (const dma of this.mappings()) {
      const unlocked = this.unmapUnpin(dma, false);
      this.lockAcct(dma, dma.vpfns.size - unlocked);
    }
  }

  protected disableHugePages(): void {
    unsupported(
      'vfio-type1',
      "setOption('HUGE_PAGES', 0)",
      'type1 has only the disable_hugepages module parameter, for the whole machine',
    );
  }

  /** vfio_iommu_type1_pin_pages */
  accessPin(first: bigint, npages: number, write: boolean, out: Uint32Array): null {
    const prot = IOMMU_READ | (write ? IOMMU_WRITE : 0);
    const doAccounting = this.doms.length === 0;
    let i = 0;
    try {
      for (; i < npages; i++) {
        const iova = first + BigInt(i * PAGE_SIZE);
        const dma = this.space.inRange(iova, iova)[0] as Type1Dma | undefined;
        if (dma === undefined)
          fail('ENOENT', `iova 0x${iova.toString(16)} is not mapped (vfio_pin_pages finds no dma)`);
        if ((dma.prot & prot) !== prot)
          fail(
            'EPERM',
            `the dma at 0x${dma.iova.toString(16)} is not mapped for ${write ? 'write' : 'read'}`,
          );
        const index = Number((iova - dma.iova) / BigInt(PAGE_SIZE));
        const v = dma.vpfns.get(index);
        if (v !== undefined) {
          v.ref++;
          out[i] = v.pfn;
          continue;
        }
        // vfio_pin_page_external: one more pin of the page, with the dma's prot
        if (!dma.task.mm.alive)
          fail('EFAULT', `the process of the dma at 0x${dma.iova.toString(16)} is gone`);
        dma.task.mm.pinUserPages(dma.uptr + index * PAGE_SIZE, 1, this.write(dma), this.one, 0);
        const pfn = this.one[0];
        if (doAccounting) {
          try {
            this.lockAcct(dma, 1);
          } catch (e) {
            this.phys.unpinRange(pfn, 1, false);
            throw e;
          }
        }
        dma.vpfns.set(index, { pfn, ref: 1 });
        out[i] = pfn;
      }
    } catch (e) {
      for (let j = 0; j < i; j++) this.unpinExternal(first + BigInt(j * PAGE_SIZE), doAccounting);
      throw e;
    }
    return null;
  }

  /** vfio_unpin_page_external */
  private unpinExternal(iova: bigint, doAccounting: boolean): void {
    const dma = this.space.inRange(iova, iova)[0] as Type1Dma | undefined;
    if (dma === undefined) return;
    const index = Number((iova - dma.iova) / BigInt(PAGE_SIZE));
    const v = dma.vpfns.get(index);
    if (v === undefined) {
      this.ctx.kernel.warn('vfio-type1', `unpin of iova 0x${iova.toString(16)} that has no vfio_pfn`);
      return;
    }
    if (--v.ref > 0) return;
    this.phys.unpinRange(v.pfn, 1, this.write(dma));
    dma.vpfns.delete(index);
    if (doAccounting) this.lockAcct(dma, -1);
  }

  /** vfio_iommu_type1_unpin_pages */
  accessUnpin(first: bigint, npages: number): void {
    const doAccounting = this.doms.length === 0;
    for (let i = 0; i < npages; i++) this.unpinExternal(first + BigInt(i * PAGE_SIZE), doAccounting);
  }

  mappedInDomains(m: Mapping): boolean {
    return (m as Type1Dma).iommuMapped;
  }

  view(m: Mapping): MappingView {
    const dma = m as Type1Dma;
    const n = dma.npages;
    const d0 = this.doms.length !== 0 ? this.doms[0].hw : null;
    const vp = [...dma.vpfns.entries()].sort((a, b) => a[0] - b[0]);
    const intervals: [number, number, number][] = [];
    for (const [i, v] of vp) {
      const last = intervals[intervals.length - 1];
      if (last !== undefined && last[1] + 1 === i && last[2] === v.ref) last[1] = i;
      else intervals.push([i, i, v.ref]);
    }
    return {
      accounted: dma.accounted,
      expectedAccounted: dma.iommuMapped ? n : dma.vpfns.size,
      accountMode: 'locked_vm',
      storageDomain: dma.iommuMapped ? d0 : null,
      domainSpans: dma.iommuMapped ? [[0, n - 1]] : [],
      accessIntervals: intervals,
      numAccesses: dma.vpfns.size,
      forEachPin(fn) {
        if (dma.iommuMapped && d0 !== null)
          for (let i = 0; i < n; i++) fn(Math.floor(d0.translate(dma.iovaOf(i)) / PAGE_SIZE), 1);
        for (const [, v] of vp) fn(v.pfn, 1);
      },
      expectedPfn(_hw, i) {
        return d0 === null ? -1 : Math.floor(d0.translate(dma.iovaOf(i)) / PAGE_SIZE);
      },
      // struct vfio_dma, and a struct vfio_pfn (rb_node, iova, pfn, ref_cnt) per external pin
      engineBytes: 112 + 48 * dma.vpfns.size,
    };
  }
}
