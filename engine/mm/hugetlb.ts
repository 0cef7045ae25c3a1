/**
 * A hugetlb pool: huge pages of one size reserved from physical memory at
 * boot (aligned), handed out whole and returned whole when the last
 * reference to any of their frames goes. `reserved` models the kernel's
 * resv_huge_pages: mmap(MAP_HUGETLB) reserves the pages it may fault later,
 * so that a fault never finds the pool empty; an mmap that cannot reserve
 * fails with ENOMEM.
 */
import { toArray } from '../base/arrays';
export class HugetlbPool {
  readonly order: number;
  /** Pages in the pool (free or in use). */
  readonly total: number;
  private readonly stack: Float64Array;
  private top = 0;
  /** Free pages promised to mappings that have not faulted them yet. */
  reserved = 0;

  constructor(order: number, heads: readonly number[]) {
    this.order = order;
    this.total = heads.length;
    this.stack = new Float64Array(heads.length);
    // pops come out in ascending address order
    for (let i = heads.length - 1; i >= 0; i--) this.stack[this.top++] = heads[i];
  }

  get nrPages(): number {
    return 1 << this.order;
  }

  get free(): number {
    return this.top;
  }

  /** Reserve n pages for a mapping; false when the pool cannot promise them. */
  reserve(n: number): boolean {
    if (this.top - this.reserved < n) return false;
    this.reserved += n;
    return true;
  }

  unreserve(n: number): void {
    this.reserved -= n;
  }

  /** A free page: from a reservation (`reserved` true) or from the unreserved rest. -1 when none. */
  alloc(fromReservation: boolean): number {
    if (fromReservation) {
      if (this.top === 0) return -1;
      this.reserved--;
    } else if (this.top - this.reserved <= 0) {
      return -1;
    }
    return this.stack[--this.top];
  }

  release(head: number): void {
    this.stack[this.top++] = head;
  }

  /** For invariant checks: the heads of free pages. */
  freeHeads(): number[] {
    return toArray(this.stack.subarray(0, this.top));
  }
}
