import { unfrozen } from '../../base/typed';
import { fail, type Kernel } from '../../base';
import { hex } from '../align';
import { DomainBase } from '../domain-base';
import { IotlbGather } from '../gather';
import { IOMMU_CACHE, IOMMU_READ, IOMMU_WRITE, type MappedRange } from '../types';
import {
  CONT_PTES,
  entrySize,
  leafLevel,
  PTES_PER_TABLE,
  pteIndex,
  SZ_64K,
  TABLE_BYTES,
  type PagetableFormat,
} from './formats';
import { appendPfns, type RunCursor, type RunSink } from '../run-sink';
import { PTE_CACHE, PTE_CONT, PTE_LEAF, PTE_READ, PTE_VALID, PTE_WRITE, TablePool } from './table-pool';

const TOP = 3; // root level of the 4-level formats
const PAGE = 4096;

/**
 * A domain backed by a real 4-level radix IO page table (x86_64 or
 * arm64_4k). Table pages are allocated as a driver would when a walk finds
 * an empty slot, and freed (after the IOTLB flush) when their last entry
 * goes; the root is allocated on the first map and freed with the last
 * entry. Large leaves (and arm64 contiguous runs) are never split: an unmap
 * that covers part of one stops there with a warning.
 */
export class PagetableDomain extends DomainBase {
  private readonly pool = new TablePool();
  private root = -1;
  private leaves = 0;
  private readonly pathT = unfrozen(new Int32Array(TOP + 1));
  private readonly pathI = unfrozen(new Int32Array(TOP + 1));
  // Walk cache for install(): the last leaf-level table found, valid until a table is freed.
  private cacheTable = -1;
  private cacheLevel = -1;
  private cacheKey = -1;
  // Leaf cache for lookup(): the last leaf found, valid until anything is unmapped.
  private leafStart = 0;
  private leafEnd = 0; // exclusive; leafEnd === 0 means empty
  private leafPhys = 0;
  // mappedRanges() run state
  private runStart = 0;
  private runEnd = -1;
  private runPg = 0;

  constructor(
    kernel: Kernel,
    id: number,
    readonly fmt: PagetableFormat,
    pageSizes: readonly number[],
    batchApi: boolean,
  ) {
    super(kernel, id, 'pagetable', {
      pageSizes,
      apertureStart: 0,
      apertureEnd: 2 ** fmt.vaBits - 1,
      batchApi,
      format: fmt.name,
    });
  }

  protected install(iova: number, paddr: number, pgsize: number, pgcount: number, prot: number): void {
    const level = leafLevel(pgsize);
    const cont = pgsize === SZ_64K;
    const n = cont ? CONT_PTES : 1;
    const bits = PTE_VALID | PTE_LEAF | (cont ? PTE_CONT : 0) | protBits(prot);
    let done = 0;
    for (let i = 0; i < pgcount; i++) {
      const at = iova + done;
      const pa = paddr + done;
      const t = this.tableFor(at, level);
      const e = t < 0 ? -1 : t * PTES_PER_TABLE + pteIndex(at, level);
      if (e < 0 || !this.slotsFree(e, n)) {
        this.kernel.warn(this.source, `map_pages over an existing mapping at IOVA ${hex(at)}`);
        if (done > 0) this.erase(iova, done);
        fail('EEXIST', `${this.source}: IOVA ${hex(at)} is already mapped`);
      }
      const vals = this.pool.vals;
      const flags = this.pool.flags;
      for (let j = 0; j < n; j++) {
        vals[e + j] = pa + j * 4096;
        flags[e + j] = bits;
      }
      this.pool.used[t] += n;
      this.leaves += n;
      this.counters.mapped(n, pgsize, n);
      done += pgsize;
    }
  }

  /**
   * The iommu_map calls batch_to_domain makes for runs [cur.k, to) of
   * (pfns, npfns), IOVA from cur.iova, the last run cut at endIova — done in
   * one pass while each call is one smallest (4 KiB) page that would
   * succeed: same PTEs, tables, counters and fault-injection steps as the
   * per-call path, one table walk per 512 entries instead of a call chain
   * per page. Stops (cur at the run) before a run of any other size, a
   * misaligned or out-of-aperture one, an occupied slot, or when a fault is
   * armed: the caller then makes that run's iommu_map call itself (which
   * fails, or maps a large run, exactly as before) and may come back.
   */
  mapPageRuns(
    pfns: Float64Array,
    npfns: Uint32Array,
    to: number,
    endIova: number,
    prot: number,
    cur: RunCursor,
  ): void {
    if (this.freed || this.minPageSize !== PAGE || this.kernel.faults.armed) return;
    let k = cur.k;
    let iova = cur.iova;
    if (iova % PAGE !== 0) return;
    const bits = PTE_VALID | PTE_LEAF | protBits(prot);
    const last = Math.min(endIova, this.apertureEnd + 1); // exclusive end a page may reach
    let t = -1;
    let e = 0; // entry of iova in table t
    let eEnd = 0; // end of table t's entries
    let done = 0;
    for (; k < to; k++) {
      const n = npfns[k];
      if (n === 0) continue;
      if (iova + PAGE > last || (n !== 1 && iova + PAGE !== endIova)) break;
      if (e === eEnd) {
        t = this.tableFor(iova, 0); // may grow the pool: index the arrays afterwards
        if (t < 0) break;
        e = t * PTES_PER_TABLE + pteIndex(iova, 0);
        eEnd = (t + 1) * PTES_PER_TABLE;
      }
      const flags = this.pool.flags;
      if (flags[e] & PTE_VALID) break;
      flags[e] = bits;
      this.pool.vals[e] = pfns[k] * PAGE;
      this.pool.used[t]++;
      e++;
      iova += PAGE;
      done++;
    }
    cur.k = k;
    cur.iova = iova;
    if (done === 0) return;
    // what `done` iommu_map → map_pages calls of one page count
    this.kernel.faults.steps += done;
    this.counters.mapCalls += done;
    this.kernel.counters.iommuMapCalls += done;
    this.counters.mapPagesCalls += done;
    this.leaves += done;
    this.counters.mapped(done, done * PAGE, done);
  }

  /**
   * batch_from_domain's per-page iova_to_phys reads of up to npages 4 KiB
   * pages from iova, added to `sink` as batch_add_pfn would, in one pass
   * over each leaf table: the same iova_to_phys counts (including the read
   * of the page that no longer fits), no events. Stops before a page that is
   * not mapped (the caller's per-page read then warns as before). Returns
   * the pages added; cur.full when the sink filled up.
   */
  readPageRuns(iova: number, npages: number, sink: RunSink, cur: RunCursor): number {
    cur.full = false;
    if (this.freed || this.minPageSize !== PAGE || iova % PAGE !== 0) return 0;
    const end0 = sink.end;
    let added = 0;
    let reads = 0;
    let at = iova;
    walk: while (added < npages) {
      let t = this.root;
      let l = TOP;
      let e = -1;
      for (; l >= 0 && t >= 0; l--) {
        e = t * PTES_PER_TABLE + pteIndex(at, l);
        const f = this.pool.flags[e];
        if (!(f & PTE_VALID)) break walk;
        if (f & PTE_LEAF) break;
        t = this.pool.vals[e];
      }
      if (l < 0) break;
      const flags = this.pool.flags;
      const vals = this.pool.vals;
      // entries of this table from e on (a large leaf: its pages from at)
      const s = entrySize(l);
      const eEnd = t * PTES_PER_TABLE + PTES_PER_TABLE;
      for (; e < eEnd && added < npages; e++) {
        const f = flags[e];
        if (!(f & PTE_VALID)) break walk;
        if (!(f & PTE_LEAF)) continue walk; // a table below: walk down from the root
        const off = at % s;
        const pfn = (vals[e] + off) / PAGE;
        const n = Math.min(npages - added, (s - off) / PAGE);
        const placed = appendPfns(sink, pfn, n);
        reads += placed;
        added += placed;
        if (placed < n) {
          reads++; // the page that did not fit was read
          cur.full = true;
          break walk;
        }
        at = iova + added * PAGE;
      }
    }
    const runs = sink.end - end0;
    sink.totalPfns += added;
    this.counters.iovaToPhysCalls += reads;
    this.kernel.counters.iovaToPhysCalls += reads;
    this.kernel.counters.batchRuns += runs;
    this.kernel.counters.batchPfns += added;
    return added;
  }

  private slotsFree(e: number, n: number): boolean {
    const flags = this.pool.flags;
    for (let j = 0; j < n; j++) if (flags[e + j] & PTE_VALID) return false;
    return true;
  }

  /** walkAlloc through the one-entry walk cache (consecutive pages land in the same table). */
  private tableFor(iova: number, level: number): number {
    const key = Math.floor(iova / (entrySize(level) * PTES_PER_TABLE));
    if (this.cacheTable >= 0 && this.cacheLevel === level && this.cacheKey === key) return this.cacheTable;
    const t = this.walkAlloc(iova, level);
    if (t >= 0) {
      this.cacheTable = t;
      this.cacheLevel = level;
      this.cacheKey = key;
    }
    return t;
  }

  /** The table at `level` covering iova, allocating tables on the way; -1 if a leaf is in the way. */
  private walkAlloc(iova: number, level: number): number {
    if (this.root < 0) this.root = this.allocTable();
    let t = this.root;
    for (let l = TOP; l > level; l--) {
      const e = t * PTES_PER_TABLE + pteIndex(iova, l);
      const f = this.pool.flags[e];
      if (!(f & PTE_VALID)) {
        const c = this.allocTable(); // may grow the pool: index the arrays afterwards
        this.pool.vals[e] = c;
        this.pool.flags[e] = PTE_VALID;
        this.pool.used[t]++;
        this.counters.pte(1);
        t = c;
        continue;
      }
      if (f & PTE_LEAF) return -1;
      t = this.pool.vals[e];
    }
    return t;
  }

  private allocTable(): number {
    const t = this.pool.alloc();
    this.counters.tables(TABLE_BYTES);
    return t;
  }

  protected override releaseFreed(gather: IotlbGather): void {
    for (const t of gather.freelist) {
      this.pool.release(t);
      this.counters.tables(-TABLE_BYTES);
    }
    if (gather.freelist.length !== 0) gather.freelist.length = 0;
  }

  protected erase(iova: number, size: number): void {
    const g = new IotlbGather();
    this.unmapRange(iova, size, g, false);
    this.iotlbSync(g);
  }

  unmapPages(iova: number, pgsize: number, pgcount: number, gather: IotlbGather): number {
    this.counters.unmapPagesCalls++;
    return this.unmapRange(iova, pgsize * pgcount, gather, true);
  }

  /**
   * Clear every leaf in [iova, iova+size), freeing tables that become empty.
   * Stops at a hole or at a leaf that sticks out of the range (warning when
   * `strict`). Returns the bytes unmapped.
   */
  private unmapRange(iova: number, size: number, gather: IotlbGather, strict: boolean): number {
    this.leafEnd = 0;
    const end = iova + size;
    let cur = iova;
    outer: while (cur < end) {
      let t = this.root;
      for (let l = TOP; l >= 0 && t >= 0; l--) {
        const idx = pteIndex(cur, l);
        const e = t * PTES_PER_TABLE + idx;
        const f = this.pool.flags[e];
        if (!(f & PTE_VALID)) break;
        if (!(f & PTE_LEAF)) {
          this.pathT[l] = t;
          this.pathI[l] = idx;
          t = this.pool.vals[e];
          continue;
        }
        // A leaf: clear it, then keep scanning this table while leaves follow.
        let li = idx;
        let lf = f;
        for (;;) {
          if (l === 0 && !(lf & PTE_CONT)) {
            // a run of 4 KiB leaves: clear it in one pass (always aligned, never split)
            const flags = this.pool.flags;
            const vals = this.pool.vals;
            const base = t * PTES_PER_TABLE;
            const stop = Math.min(PTES_PER_TABLE, li + (end - cur) / PAGE);
            let j = li;
            while (
              j < stop &&
              (flags[base + j] & (PTE_VALID | PTE_LEAF | PTE_CONT)) === (PTE_VALID | PTE_LEAF)
            ) {
              flags[base + j] = 0;
              vals[base + j] = 0;
              j++;
            }
            const n = j - li;
            this.pool.used[t] -= n;
            this.leaves -= n;
            this.counters.unmapped(n, n * PAGE, n);
            gather.add(cur, n * PAGE);
            cur += n * PAGE;
            li = j;
            if (this.pool.used[t] === 0 || cur >= end || li >= PTES_PER_TABLE) break;
            lf = flags[base + li];
            if ((lf & (PTE_VALID | PTE_LEAF)) !== (PTE_VALID | PTE_LEAF)) break;
            continue;
          }
          const cont = (lf & PTE_CONT) !== 0;
          const s = cont ? SZ_64K : entrySize(l);
          const n = cont ? CONT_PTES : 1;
          const start = cur - (cur % s);
          if (start !== cur || cur + s > end) {
            if (strict) {
              this.kernel.warn(
                this.source,
                `unmap_pages [${hex(iova)}, ${hex(end - 1)}] would split the ${s / 1024} KiB leaf at ${hex(
                  start,
                )}; refused`,
              );
            }
            return cur - iova;
          }
          const e0 = t * PTES_PER_TABLE + (cont ? li - (li % CONT_PTES) : li);
          const flags = this.pool.flags;
          const vals = this.pool.vals;
          for (let j = 0; j < n; j++) {
            flags[e0 + j] = 0;
            vals[e0 + j] = 0;
          }
          this.pool.used[t] -= n;
          this.leaves -= n;
          this.counters.unmapped(n, s, n);
          gather.add(cur, s);
          cur += s;
          li = (cont ? li - (li % CONT_PTES) : li) + n;
          if (this.pool.used[t] === 0 || cur >= end || li >= PTES_PER_TABLE) break;
          lf = flags[t * PTES_PER_TABLE + li];
          if ((lf & (PTE_VALID | PTE_LEAF)) !== (PTE_VALID | PTE_LEAF)) break;
        }
        this.pathT[l] = t;
        this.collapse(l, gather);
        continue outer;
      }
      if (strict) this.kernel.warn(this.source, `unmap_pages of unmapped IOVA ${hex(cur)}`);
      return cur - iova;
    }
    return cur - iova;
  }

  /** Free the tables on the current path that became empty, bottom up. */
  private collapse(level: number, gather: IotlbGather): void {
    let l = level;
    let t = this.pathT[l];
    if (this.pool.used[t] === 0) this.cacheTable = -1;
    while (this.pool.used[t] === 0) {
      gather.freelist.push(t);
      if (l === TOP) {
        this.root = -1;
        return;
      }
      const parent = this.pathT[l + 1];
      const e = parent * PTES_PER_TABLE + this.pathI[l + 1];
      this.pool.flags[e] = 0;
      this.pool.vals[e] = 0;
      this.pool.used[parent]--;
      this.counters.pte(1);
      l++;
      t = parent;
    }
  }

  protected lookup(iova: number): number {
    if (iova >= this.leafStart && iova < this.leafEnd) return this.leafPhys + (iova - this.leafStart);
    if (iova > this.apertureEnd) return -1;
    let t = this.root;
    for (let l = TOP; l >= 0 && t >= 0; l--) {
      const e = t * PTES_PER_TABLE + pteIndex(iova, l);
      const f = this.pool.flags[e];
      if (!(f & PTE_VALID)) return -1;
      if (f & PTE_LEAF) {
        const s = entrySize(l);
        const off = iova % s;
        this.leafStart = iova - off;
        this.leafEnd = this.leafStart + s;
        this.leafPhys = this.pool.vals[e];
        return this.leafPhys + off;
      }
      t = this.pool.vals[e];
    }
    return -1;
  }

  translate(iova: number): number {
    return this.lookup(iova);
  }

  entryCount(): number {
    return this.leaves;
  }

  /** Live page-table pages. */
  tableCount(): number {
    return this.pool.live;
  }

  mappedRanges(): MappedRange[] {
    const out: MappedRange[] = [];
    this.runEnd = -1;
    if (this.root >= 0) this.walkRanges(this.root, TOP, 0, out);
    if (this.runEnd >= 0)
      out.push({ iova: this.runStart, length: this.runEnd - this.runStart, pageSize: this.runPg });
    return out;
  }

  private walkRanges(t: number, level: number, base: number, out: MappedRange[]): void {
    const es = entrySize(level);
    for (let i = 0; i < PTES_PER_TABLE; i++) {
      const e = t * PTES_PER_TABLE + i;
      const f = this.pool.flags[e];
      if (!(f & PTE_VALID)) continue;
      const va = base + i * es;
      if (!(f & PTE_LEAF)) {
        this.walkRanges(this.pool.vals[e], level - 1, va, out);
        continue;
      }
      let s = es;
      if (f & PTE_CONT) {
        s = SZ_64K;
        i += CONT_PTES - 1;
      }
      if (this.runEnd === va && this.runPg === s) {
        this.runEnd += s;
        continue;
      }
      if (this.runEnd >= 0)
        out.push({ iova: this.runStart, length: this.runEnd - this.runStart, pageSize: this.runPg });
      this.runStart = va;
      this.runEnd = va + s;
      this.runPg = s;
    }
  }

  protected releaseAll(): void {
    this.counters.tables(-this.counters.tableBytes);
    this.pool.reset();
    this.root = -1;
    this.cacheTable = -1;
    this.leafEnd = 0;
    this.leaves = 0;
  }
}

function protBits(prot: number): number {
  return (
    (prot & IOMMU_READ ? PTE_READ : 0) |
    (prot & IOMMU_WRITE ? PTE_WRITE : 0) |
    (prot & IOMMU_CACHE ? PTE_CACHE : 0)
  );
}
