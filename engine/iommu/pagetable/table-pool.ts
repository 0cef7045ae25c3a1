import { unfrozen } from '../../base/typed';
import { PTES_PER_TABLE, TABLE_BYTES } from './formats';

/** PTE flag bits (emulated, not any architecture's encoding). */
export const PTE_VALID = 1;
/** Leaf (block/page) entry; without it a valid entry points to a table. */
export const PTE_LEAF = 2;
/** arm64 contiguous hint: part of a 16-PTE run mapping one 64 KiB block. */
export const PTE_CONT = 4;
export const PTE_READ = 8;
export const PTE_WRITE = 16;
export const PTE_CACHE = 32;

/** Tables (4 MiB of PTEs) from which the pool grows by a quarter instead of doubling. */
const GROW_LINEAR_AT = 1024;

/**
 * Page-table pages of one domain, 512 entries each, stored in typed arrays:
 * `vals` holds the output address of a leaf or the index of the child table,
 * `flags` the PTE bits, `used` the valid entries per table. Table t owns
 * entries [t*512, t*512 + 512). Freed tables go on a free list and are
 * handed out again before the pool grows.
 */
export class TablePool {
  vals: Float64Array;
  flags: Uint8Array;
  used: Uint16Array;
  private freeList: Int32Array;
  private nfree = 0;
  private capacity: number;
  private next = 0;
  /** Tables currently allocated. */
  live = 0;

  constructor(initialTables = 8) {
    this.capacity = initialTables;
    this.vals = unfrozen(new Float64Array(initialTables * PTES_PER_TABLE));
    this.flags = unfrozen(new Uint8Array(initialTables * PTES_PER_TABLE));
    this.used = unfrozen(new Uint16Array(initialTables));
    this.freeList = unfrozen(new Int32Array(initialTables));
  }

  get bytes(): number {
    return this.live * TABLE_BYTES;
  }

  /** A zeroed table. */
  alloc(): number {
    this.live++;
    if (this.nfree > 0) return this.freeList[--this.nfree];
    if (this.next === this.capacity) this.grow();
    return this.next++;
  }

  /** Return an (empty) table to the pool. */
  release(t: number): void {
    const base = t * PTES_PER_TABLE;
    this.flags.fill(0, base, base + PTES_PER_TABLE);
    this.vals.fill(0, base, base + PTES_PER_TABLE);
    this.used[t] = 0;
    this.freeList[this.nfree++] = t;
    this.live--;
  }

  /** Drop everything (domain free). */
  reset(): void {
    this.flags.fill(0);
    this.vals.fill(0);
    this.used.fill(0);
    this.nfree = 0;
    this.next = 0;
    this.live = 0;
  }

  /**
   * Double while small, then grow by a quarter: a 16 GiB map into four
   * domains left ~6 MiB of empty tables per domain after its last doubling
   * (the copy stays amortised O(1) per table either way).
   */
  private grow(): void {
    const cap = this.capacity < GROW_LINEAR_AT ? this.capacity * 2 : this.capacity + (this.capacity >> 2);
    const vals = unfrozen(new Float64Array(cap * PTES_PER_TABLE));
    vals.set(this.vals);
    const flags = unfrozen(new Uint8Array(cap * PTES_PER_TABLE));
    flags.set(this.flags);
    const used = unfrozen(new Uint16Array(cap));
    used.set(this.used);
    const freeList = unfrozen(new Int32Array(cap));
    freeList.set(this.freeList);
    this.vals = vals;
    this.flags = flags;
    this.used = used;
    this.freeList = freeList;
    this.capacity = cap;
  }
}
