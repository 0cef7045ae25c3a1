/**
 * A sparse table from page index to a 32-bit entry, as a radix of typed-array
 * chunks: one Uint32Array of 512 entries (+1 slot counting the present ones)
 * per 2 MiB of address space that has at least one entry. ~4 bytes per
 * mapped page when mappings are dense. Used for process page tables (virtual
 * page → PTE) and page caches (file page index → frame).
 *
 * A PTE is `pfn * 8 + bits`; 0 means "not present".
 */
import { unfrozen } from '../base/typed';
export const PTE_PRESENT = 1;
/** The page may be written without a fault. */
export const PTE_WRITE = 2;
/** Anonymous page owned by this mapping alone (the kernel's PageAnonExclusive). */
export const PTE_EXCL = 4;

export const CHUNK_SHIFT = 9;
export const CHUNK_NR = 1 << CHUNK_SHIFT;
const COUNT = CHUNK_NR;

export function mkPte(pfn: number, bits: number): number {
  return pfn * 8 + (bits | PTE_PRESENT);
}

export function ptePfn(e: number): number {
  return e >>> 3;
}

export class PageTable {
  private readonly chunks = new Map<number, Uint32Array>();
  private lastIdx = -1;
  private last: Uint32Array | undefined = undefined;
  /** Present entries. */
  present = 0;

  private chunk(ci: number): Uint32Array | undefined {
    if (ci === this.lastIdx) return this.last;
    const c = this.chunks.get(ci);
    if (c !== undefined) {
      this.lastIdx = ci;
      this.last = c;
    }
    return c;
  }

  /** The chunk holding index (entries at index - chunkBase), or undefined. */
  chunkOf(index: number): Uint32Array | undefined {
    return this.chunk(Math.floor(index / CHUNK_NR));
  }

  get(index: number): number {
    const ci = Math.floor(index / CHUNK_NR);
    const c = this.chunk(ci);
    return c === undefined ? 0 : c[index - ci * CHUNK_NR];
  }

  set(index: number, entry: number): void {
    const ci = Math.floor(index / CHUNK_NR);
    let c = this.chunk(ci);
    if (c === undefined) {
      c = unfrozen(new Uint32Array(CHUNK_NR + 1));
      this.chunks.set(ci, c);
      this.lastIdx = ci;
      this.last = c;
    }
    const i = index - ci * CHUNK_NR;
    if (c[i] === 0) {
      c[COUNT]++;
      this.present++;
    }
    c[i] = entry;
  }

  clear(index: number): void {
    const ci = Math.floor(index / CHUNK_NR);
    const c = this.chunk(ci);
    if (c === undefined) return;
    const i = index - ci * CHUNK_NR;
    if (c[i] === 0) return;
    c[i] = 0;
    this.present--;
    if (--c[COUNT] === 0) {
      this.chunks.delete(ci);
      this.lastIdx = -1;
      this.last = undefined;
    }
  }

  /** Whether no entry exists in the 512-entry chunk holding index. */
  chunkEmpty(index: number): boolean {
    return this.chunk(Math.floor(index / CHUNK_NR)) === undefined;
  }

  /**
   * Call fn(index, entry) for every present entry in [lo, hi), in ascending
   * order. fn may clear or change the entry it is given (not others).
   */
  forEach(lo: number, hi: number, fn: (index: number, entry: number) => void): void {
    if (hi <= lo || this.present === 0) return;
    const c0 = Math.floor(lo / CHUNK_NR);
    const c1 = Math.floor((hi - 1) / CHUNK_NR);
    let cis: number[];
    if (c1 - c0 + 1 > this.chunks.size) {
      cis = [];
      for (const ci of this.chunks.keys()) if (ci >= c0 && ci <= c1) cis.push(ci);
      cis.sort((a, b) => a - b);
    } else {
      cis = [];
      for (let ci = c0; ci <= c1; ci++) if (this.chunks.has(ci)) cis.push(ci);
    }
    for (const ci of cis) {
      const c = this.chunks.get(ci);
      if (c === undefined) continue;
      const base = ci * CHUNK_NR;
      const from = Math.max(lo, base) - base;
      const to = Math.min(hi, base + CHUNK_NR) - base;
      for (let i = from; i < to; i++) {
        const e = c[i];
        if (e !== 0) fn(base + i, e);
      }
    }
  }

  /** Bytes of typed arrays held. */
  get byteLength(): number {
    return this.chunks.size * (CHUNK_NR + 1) * 4;
  }

  clearAll(): void {
    this.chunks.clear();
    this.present = 0;
    this.lastIdx = -1;
    this.last = undefined;
  }
}
