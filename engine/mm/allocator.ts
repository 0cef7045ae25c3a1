import { filled, Rng } from '../base';
import { FRAME_FREE, NIL, type FrameArrays } from './frames';

/** Largest buddy block: 2^10 frames = 4 MiB (the kernel's MAX_PAGE_ORDER). */
export const MAX_ORDER = 10;
const MAX_NR = 1 << MAX_ORDER;
/** Max-order blocks scattered into the order-0 free list per refill. */
const SCATTER_CHUNK_BLOCKS = 4;
const SCATTER_CHUNK_FRAMES = SCATTER_CHUNK_BLOCKS * MAX_NR;
/** wholeOrder of a lazy whole block that claimRange took out of the queue. */
const TAKEN = 255;

/**
 * The buddy allocator over frames [0, end). Free lists are intrusive doubly
 * linked lists through the head frames of free blocks (links in
 * FrameArrays.ref/pin), so it needs no per-frame JS object.
 *
 * Boot-time fragmentation: each max-order block is, with probability
 * `fragmentation`, "scattered": its frames sit in the order-0 free list as
 * runs of a random length (mean 2^(10·(1-f)); exactly 1 at f = 1), the runs
 * in shuffled order so that at f = 1 no two consecutive order-0 allocations
 * are physically adjacent. The other blocks stay whole (ascending order), so
 * at f = 0 an anonymous mapping gets ascending contiguous frames. To keep a
 * 64 GiB machine cheap to create, blocks enter the free lists lazily: whole
 * blocks when the lists run dry, scattered blocks 4 at a time when the
 * order-0 list runs dry. Order-0 requests take scattered frames first (they
 * are the free list's fragmented part); higher orders never see them until
 * freed frames merge back with their buddies.
 */
export class BuddyAllocator {
  private readonly f: FrameArrays;
  /** Frames managed: [0, end). */
  readonly end: number;
  private readonly head = filled(MAX_ORDER + 1, NIL);
  private readonly count = filled(MAX_ORDER + 1, 0);
  /** Whole blocks not yet in the free lists: first pfn and order, ascending. */
  private readonly wholePfn: Float64Array;
  private readonly wholeOrder: Uint8Array;
  private wholePos = 0;
  private wholeLen = 0;
  /** Scattered max-order blocks not yet in the order-0 list (block indexes). */
  private readonly scatterQ: Int32Array;
  private scatterPos = 0;
  private scatterLen = 0;
  private readonly meanRun: number;
  private readonly rng: Rng;
  private runStart: Int32Array | null = null;
  private runLen: Int32Array | null = null;
  private perm: Int32Array | null = null;
  /** Last run pushed by the previous refill (-1 none), to keep refills non-adjacent. */
  private prevRunStart = -1;
  private prevRunEnd = -1;
  /** Scattered blocks (by scatterQ position) that claimRange took out of the queue. */
  private scatterTaken: Uint8Array | null = null;
  /** Free frames, including those not yet in the lists. */
  freeFrames = 0;

  constructor(frames: FrameArrays, end: number, fragmentation: number, seed: number) {
    this.f = frames;
    this.end = end;
    this.meanRun = 2 ** (MAX_ORDER * (1 - fragmentation));
    const classify = new Rng(seed ^ 0x5bd1e995);
    this.rng = new Rng(seed ^ 0x27d4eb2f);
    const nblocks = Math.floor(end / MAX_NR);
    this.scatterQ = new Int32Array(nblocks);
    this.wholePfn = new Float64Array(nblocks + MAX_ORDER + 1);
    this.wholeOrder = new Uint8Array(nblocks + MAX_ORDER + 1);
    for (let b = 0; b < nblocks; b++) {
      const scatter = fragmentation >= 1 || (fragmentation > 0 && classify.next() < fragmentation);
      if (scatter) this.scatterQ[this.scatterLen++] = b;
      else this.pushWhole(b * MAX_NR, MAX_ORDER);
    }
    // the tail that does not fill a max-order block: aligned smaller blocks
    let pfn = nblocks * MAX_NR;
    for (let o = MAX_ORDER - 1; o >= 0; o--) {
      if (pfn + (1 << o) <= end) {
        this.pushWhole(pfn, o);
        pfn += 1 << o;
      }
    }
    this.freeFrames = end;
  }

  private pushWhole(pfn: number, order: number): void {
    this.wholePfn[this.wholeLen] = pfn;
    this.wholeOrder[this.wholeLen++] = order;
  }

  /** Allocate 2^order contiguous, aligned frames; -1 when none. Refs are left 0. */
  alloc(order: number): number {
    for (;;) {
      if (order === 0 && this.count[0] === 0 && this.scatterPos < this.scatterLen) this.refillScatter();
      for (let o = order; o <= MAX_ORDER; o++) {
        if (this.count[o] === 0) continue;
        const pfn = this.head[o];
        this.unlink(pfn, o);
        // expand(): keep the low half, free the high halves
        while (o > order) {
          o--;
          this.link(pfn + (1 << o), o);
        }
        this.freeFrames -= 1 << order;
        return pfn;
      }
      if (this.wholePos < this.wholeLen) {
        const p = this.wholePfn[this.wholePos];
        const o = this.wholeOrder[this.wholePos++];
        if (o !== TAKEN) this.link(p, o);
        continue;
      }
      return -1;
    }
  }

  /** Return 2^order frames starting at pfn (aligned); merges with free buddies. */
  free(pfn: number, order: number): void {
    this.freeFrames += 1 << order;
    const f = this.f;
    while (order < MAX_ORDER) {
      const size = 1 << order;
      const buddy = pfn % (2 * size) === 0 ? pfn + size : pfn - size;
      if (buddy + size > this.end) break;
      if ((f.flags[buddy] & FRAME_FREE) === 0 || f.order[buddy] !== order) break;
      this.unlink(buddy, order);
      if (buddy < pfn) pfn = buddy;
      order++;
    }
    this.link(pfn, order);
  }

  private link(pfn: number, o: number): void {
    const f = this.f;
    const h = this.head[o];
    f.flags[pfn] |= FRAME_FREE;
    f.order[pfn] = o;
    f.ref[pfn] = h;
    f.pin[pfn] = NIL;
    if (h !== NIL) f.pin[h] = pfn;
    this.head[o] = pfn;
    this.count[o]++;
  }

  private unlink(pfn: number, o: number): void {
    const f = this.f;
    const next = f.ref[pfn];
    const prev = f.pin[pfn];
    if (prev !== NIL) f.ref[prev] = next;
    else this.head[o] = next;
    if (next !== NIL) f.pin[next] = prev;
    f.flags[pfn] &= ~FRAME_FREE;
    f.order[pfn] = 0;
    f.ref[pfn] = 0;
    f.pin[pfn] = 0;
    this.count[o]--;
  }

  private adjacent(a: number, b: number): boolean {
    const rs = this.runStart!;
    const rl = this.runLen!;
    return rs[a] + rl[a] === rs[b] || rs[b] + rl[b] === rs[a];
  }

  private adjacentToPrev(a: number): boolean {
    if (this.prevRunStart < 0) return false;
    const rs = this.runStart![a];
    return rs + this.runLen![a] === this.prevRunStart || this.prevRunEnd === rs;
  }

  /** Move the next scattered blocks into the order-0 free list as shuffled runs. */
  private refillScatter(): void {
    if (this.runStart === null) {
      const cap = Math.min(SCATTER_CHUNK_FRAMES, this.scatterLen * MAX_NR);
      this.runStart = new Int32Array(cap);
      this.runLen = new Int32Array(cap);
      this.perm = new Int32Array(cap);
    }
    const rs = this.runStart;
    const rl = this.runLen!;
    const perm = this.perm!;
    const rng = this.rng;
    const p = this.meanRun <= 1 ? 1 : 1 / this.meanRun;
    const logq = Math.log(1 - p);
    let nruns = 0;
    const last = Math.min(this.scatterLen, this.scatterPos + SCATTER_CHUNK_BLOCKS);
    const taken = this.scatterTaken;
    for (; this.scatterPos < last; this.scatterPos++) {
      if (taken !== null && taken[this.scatterPos] !== 0) continue;
      const base = this.scatterQ[this.scatterPos] * MAX_NR;
      let off = 0;
      while (off < MAX_NR) {
        let len = p >= 1 ? 1 : 1 + Math.floor(Math.log(1 - rng.next()) / logq);
        if (len > MAX_NR - off) len = MAX_NR - off;
        rs[nruns] = base + off;
        rl[nruns] = len;
        nruns++;
        off += len;
      }
    }
    if (nruns === 0) return;
    // Fisher-Yates over run order, then repair physical adjacency of neighbours
    for (let i = 0; i < nruns; i++) perm[i] = i;
    for (let i = nruns - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    if (nruns > 2) {
      for (let tries = 0; tries < 64 && this.adjacentToPrev(perm[0]); tries++) {
        const j = 1 + rng.int(nruns - 1);
        const t = perm[0];
        perm[0] = perm[j];
        perm[j] = t;
      }
      for (let i = 0; i + 1 < nruns; i++) {
        if (!this.adjacent(perm[i], perm[i + 1])) continue;
        for (let tries = 0; tries < 64; tries++) {
          // swap perm[i+1] with a random later (or, at the end, earlier) position
          const j = i + 2 < nruns ? i + 2 + rng.int(nruns - i - 2) : rng.int(i);
          if (this.adjacent(perm[i], perm[j])) continue;
          if (j < i) {
            // perm[i+1] moves back to j: check its new neighbours
            const c = perm[i + 1];
            if ((j > 0 && this.adjacent(perm[j - 1], c)) || this.adjacent(perm[j + 1], c)) continue;
            if (j === 0 && this.adjacentToPrev(c)) continue;
          }
          const t = perm[i + 1];
          perm[i + 1] = perm[j];
          perm[j] = t;
          break;
        }
      }
    }
    // push in reverse so that pops come in perm order, ascending inside a run
    for (let k = nruns - 1; k >= 0; k--) {
      const r = perm[k];
      for (let x = rl[r] - 1; x >= 0; x--) this.link(rs[r] + x, 0);
    }
    const lastRun = perm[nruns - 1];
    this.prevRunStart = rs[lastRun];
    this.prevRunEnd = rs[lastRun] + rl[lastRun];
  }

  // ---- claiming given frames (a captured layout's placement) -------------

  /** End of the free-list block holding pfn, or -1 when pfn is in no free-list block. */
  private listBlockEnd(pfn: number): number {
    const f = this.f;
    for (let o = 0; o <= MAX_ORDER; o++) {
      const h = pfn - (pfn % (1 << o));
      if ((f.flags[h] & FRAME_FREE) !== 0 && f.order[h] === o) return h + (1 << o);
    }
    return -1;
  }

  /** Position in the lazy whole-block queue of the block holding pfn, or -1. */
  private wholeIndex(pfn: number): number {
    let lo = this.wholePos;
    let hi = this.wholeLen - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.wholePfn[mid] <= pfn) lo = mid + 1;
      else hi = mid - 1;
    }
    const i = lo - 1;
    if (i < this.wholePos || this.wholeOrder[i] === TAKEN) return -1;
    return pfn < this.wholePfn[i] + (1 << this.wholeOrder[i]) ? i : -1;
  }

  /** Position in the lazy scatter queue of the block holding pfn, or -1. */
  private scatterIndex(pfn: number): number {
    const b = Math.floor(pfn / MAX_NR);
    let lo = this.scatterPos;
    let hi = this.scatterLen - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.scatterQ[mid];
      if (v === b) return this.scatterTaken !== null && this.scatterTaken[mid] !== 0 ? -1 : mid;
      if (v < b) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Whether every frame of [pfn, pfn+n) is free. O(blocks touched · log). */
  rangeFree(pfn: number, n: number): boolean {
    const end = pfn + n;
    if (pfn < 0 || end > this.end) return false;
    let p = pfn;
    while (p < end) {
      let e = this.listBlockEnd(p);
      if (e < 0) {
        const w = this.wholeIndex(p);
        if (w >= 0) e = this.wholePfn[w] + (1 << this.wholeOrder[w]);
        else if (this.scatterIndex(p) >= 0) e = (Math.floor(p / MAX_NR) + 1) * MAX_NR;
        else return false;
      }
      p = e;
    }
    return true;
  }

  /**
   * Take the free frames [pfn, pfn+n) out of free memory (the caller checked
   * rangeFree), refs left 0: the blocks holding them are split and the rest
   * goes back to the free lists.
   */
  claimRange(pfn: number, n: number): void {
    const end = pfn + n;
    let p = pfn;
    while (p < end) {
      if (this.listBlockEnd(p) < 0) {
        // a block still in a lazy queue enters the free lists whole first
        const w = this.wholeIndex(p);
        if (w >= 0) {
          const o = this.wholeOrder[w];
          this.wholeOrder[w] = TAKEN;
          this.link(this.wholePfn[w], o);
        } else {
          const s = this.scatterIndex(p);
          if (s < 0) throw new Error(`claimRange: frame ${p} is not free`);
          if (this.scatterTaken === null) this.scatterTaken = new Uint8Array(this.scatterLen);
          this.scatterTaken[s] = 1;
          this.link(this.scatterQ[s] * MAX_NR, MAX_ORDER);
        }
      }
      const head = this.blockHead(p);
      const order = this.f.order[head];
      const blockEnd = head + (1 << order);
      this.unlink(head, order);
      this.linkRange(head, p);
      const stop = Math.min(blockEnd, end);
      this.linkRange(stop, blockEnd);
      p = stop;
    }
    this.freeFrames -= n;
  }

  private blockHead(pfn: number): number {
    const f = this.f;
    for (let o = 0; o <= MAX_ORDER; o++) {
      const h = pfn - (pfn % (1 << o));
      if ((f.flags[h] & FRAME_FREE) !== 0 && f.order[h] === o) return h;
    }
    return -1;
  }

  /** Free [lo, hi) as aligned blocks (pieces of one split block: no merging needed). */
  private linkRange(lo: number, hi: number): void {
    let p = lo;
    while (p < hi) {
      let o = MAX_ORDER;
      while (o > 0 && (p % (1 << o) !== 0 || p + (1 << o) > hi)) o--;
      this.link(p, o);
      p += 1 << o;
    }
  }

  /** For tests and invariant checks: mark every free frame (slow: walks the lists). */
  markFree(out: Uint8Array): void {
    const f = this.f;
    const nil = NIL;
    for (let o = 0; o <= MAX_ORDER; o++) {
      for (let p = this.head[o]; p !== nil; p = f.ref[p]) out.fill(1, p, p + (1 << o));
    }
    for (let i = this.wholePos; i < this.wholeLen; i++) {
      if (this.wholeOrder[i] === TAKEN) continue;
      const p = this.wholePfn[i];
      out.fill(1, p, p + (1 << this.wholeOrder[i]));
    }
    for (let i = this.scatterPos; i < this.scatterLen; i++) {
      if (this.scatterTaken !== null && this.scatterTaken[i] !== 0) continue;
      const p = this.scatterQ[i] * MAX_NR;
      out.fill(1, p, p + MAX_NR);
    }
  }

  get byteLength(): number {
    return (
      this.wholePfn.byteLength +
      this.wholeOrder.byteLength +
      this.scatterQ.byteLength +
      (this.runStart === null ? 0 : this.runStart.byteLength * 3)
    );
  }
}
