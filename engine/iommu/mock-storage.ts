/**
 * The mock domain's "xarray": a paged sparse array keyed by IO page number
 * (iova / 2 KiB). Each chunk holds CHUNK entries in typed arrays — the frame
 * (paddr / 2 KiB) in a Float64Array and the flag bits in a Uint8Array — so a
 * 1 GiB mapping is 128 chunks, not half a million objects. Empty chunks are
 * dropped.
 */
import { sortedKeys } from '../base/arrays';
import { unfrozen } from '../base/typed';
export const MOCK_PRESENT = 1;
/** First entry of a map call. */
export const MOCK_START = 2;
/** Last entry of a map call (a separate bit: stricter than the kernel's shared bit). */
export const MOCK_LAST = 4;

const CHUNK_SHIFT = 12;
export const MOCK_CHUNK = 1 << CHUNK_SHIFT; // 4096 entries = 8 MiB of IOVA

export class MockChunk {
  readonly frames = unfrozen(new Float64Array(MOCK_CHUNK));
  readonly flags = unfrozen(new Uint8Array(MOCK_CHUNK));
  count = 0;
  /** Every present entry is in [lo, hi] (stores widen it; erases leave it: a scan bound, not exact). */
  lo = MOCK_CHUNK;
  hi = -1;
}

export class MockStorage {
  private readonly chunks = new Map<number, MockChunk>();
  /** An empty, all-zero chunk to reuse. */
  private spare: MockChunk | null = null;
  /** Present entries. */
  size = 0;

  /** Flags of entry `key` (0 = absent). */
  flagsOf(key: number): number {
    const c = this.chunks.get(Math.floor(key / MOCK_CHUNK));
    return c === undefined ? 0 : c.flags[key % MOCK_CHUNK];
  }

  /** Frame of entry `key`, or -1. */
  frameOf(key: number): number {
    const c = this.chunks.get(Math.floor(key / MOCK_CHUNK));
    if (c === undefined) return -1;
    const i = key % MOCK_CHUNK;
    return c.flags[i] & MOCK_PRESENT ? c.frames[i] : -1;
  }

  /** Store; returns whether the slot was already occupied (overwritten, like xa_store). */
  store(key: number, frame: number, flags: number): boolean {
    const ci = Math.floor(key / MOCK_CHUNK);
    let c = this.chunks.get(ci);
    if (c === undefined) {
      c = this.spare ?? new MockChunk();
      this.spare = null;
      this.chunks.set(ci, c);
    }
    const i = key % MOCK_CHUNK;
    if (i < c.lo) c.lo = i;
    if (i > c.hi) c.hi = i;
    const occupied = (c.flags[i] & MOCK_PRESENT) !== 0;
    c.frames[i] = frame;
    c.flags[i] = flags | MOCK_PRESENT;
    if (!occupied) {
      c.count++;
      this.size++;
    }
    return occupied;
  }

  /** Erase; returns the old flags (0 = was absent). */
  erase(key: number): number {
    const ci = Math.floor(key / MOCK_CHUNK);
    const c = this.chunks.get(ci);
    if (c === undefined) return 0;
    const i = key % MOCK_CHUNK;
    const old = c.flags[i];
    if (!(old & MOCK_PRESENT)) return 0;
    c.flags[i] = 0;
    c.frames[i] = 0;
    c.count--;
    this.size--;
    if (c.count === 0) {
      // every entry was zeroed by its erase: keep the chunk for the next store
      // (a map/unmap loop would allocate and zero 36 KiB per op otherwise)
      this.chunks.delete(ci);
      c.lo = MOCK_CHUNK;
      c.hi = -1;
      this.spare = c;
    }
    return old;
  }

  /** Set by storeRun: run index of the first entry that was occupied (-1: none). */
  firstOccupied = -1;
  /** Set by eraseRun: run index of the first absent entry (-1: none), old flags of the run's first and last entries. */
  firstMissing = -1;
  firstFlags = 0;
  lastFlags = 0;

  /**
   * store() of entries key0 + i → frame0 + i, i in [0, n), the first with
   * MOCK_START and the last with MOCK_LAST; one chunk lookup per chunk.
   * Returns how many were occupied (firstOccupied: the first).
   */
  storeRun(key0: number, frame0: number, n: number): number {
    let occupied = 0;
    this.firstOccupied = -1;
    for (let k = 0; k < n;) {
      const key = key0 + k;
      const ci = Math.floor(key / MOCK_CHUNK);
      let c = this.chunks.get(ci);
      if (c === undefined) {
        c = this.spare ?? new MockChunk();
        this.spare = null;
        this.chunks.set(ci, c);
      }
      const i0 = key - ci * MOCK_CHUNK;
      const m = Math.min(n - k, MOCK_CHUNK - i0);
      if (i0 < c.lo) c.lo = i0;
      if (i0 + m - 1 > c.hi) c.hi = i0 + m - 1;
      const flags = c.flags;
      const frames = c.frames;
      let added = 0;
      for (let j = 0; j < m; j++) {
        const i = i0 + j;
        const idx = k + j;
        if (flags[i] & MOCK_PRESENT) {
          if (occupied++ === 0) this.firstOccupied = idx;
        } else added++;
        frames[i] = frame0 + idx;
        flags[i] = MOCK_PRESENT | (idx === 0 ? MOCK_START : 0) | (idx === n - 1 ? MOCK_LAST : 0);
      }
      c.count += added;
      this.size += added;
      k += m;
    }
    return occupied;
  }

  /**
   * erase() of entries key0 .. key0 + n - 1, one chunk lookup per chunk.
   * Returns how many were absent (firstMissing: the first); firstFlags /
   * lastFlags are the old flags of the first and last entry (0: absent).
   */
  eraseRun(key0: number, n: number): number {
    let missing = 0;
    this.firstMissing = -1;
    this.firstFlags = 0;
    this.lastFlags = 0;
    for (let k = 0; k < n;) {
      const key = key0 + k;
      const ci = Math.floor(key / MOCK_CHUNK);
      const i0 = key - ci * MOCK_CHUNK;
      const m = Math.min(n - k, MOCK_CHUNK - i0);
      const c = this.chunks.get(ci);
      if (c === undefined) {
        if (missing === 0) this.firstMissing = k;
        missing += m;
        k += m;
        continue;
      }
      const flags = c.flags;
      const frames = c.frames;
      let erased = 0;
      for (let j = 0; j < m; j++) {
        const i = i0 + j;
        const idx = k + j;
        const old = flags[i] as number;
        if (old & MOCK_PRESENT) {
          flags[i] = 0;
          frames[i] = 0;
          erased++;
        } else if (missing++ === 0) this.firstMissing = idx;
        if (idx === 0) this.firstFlags = old & MOCK_PRESENT ? old : 0;
        if (idx === n - 1) this.lastFlags = old & MOCK_PRESENT ? old : 0;
      }
      c.count -= erased;
      this.size -= erased;
      if (erased > 0 && c.count === 0) {
        // every entry was zeroed by its erase: keep the chunk for the next store
        this.chunks.delete(ci);
        c.lo = MOCK_CHUNK;
        c.hi = -1;
        this.spare = c;
      }
      k += m;
    }
    return missing;
  }

  /** Chunk indexes in ascending order. */
  chunkKeys(): number[] {
    return sortedKeys(this.chunks);
  }

  chunk(ci: number): MockChunk | undefined {
    return this.chunks.get(ci);
  }

  clear(): void {
    this.chunks.clear();
    this.size = 0;
  }
}
