/**
 * The mock domain's "xarray": a paged sparse array keyed by IO page number
 * (iova / 2 KiB). Each chunk holds CHUNK entries in typed arrays — the frame
 * (paddr / 2 KiB) in a Float64Array and the flag bits in a Uint8Array — so a
 * 1 GiB mapping is 128 chunks, not half a million objects. Empty chunks are
 * dropped.
 */
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

  /** Chunk indexes in ascending order. */
  chunkKeys(): number[] {
    return [...this.chunks.keys()].sort((a, b) => a - b);
  }

  chunk(ci: number): MockChunk | undefined {
    return this.chunks.get(ci);
  }

  clear(): void {
    this.chunks.clear();
    this.size = 0;
  }
}
