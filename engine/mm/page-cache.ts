import { FRAME_PAGECACHE } from './frames';
import { mkPte, PageTable, ptePfn } from './page-table';
import type { PhysMemory } from './phys';

/**
 * The page cache of one memory object (the kernel's address_space): a file
 * behind private file mappings, or the shmem object behind a shared
 * anonymous mapping. Holds one reference on every frame it caches; kept alive
 * by the VMAs that map the object (`users`). Huge (hugetlb) objects cache
 * whole huge pages at unit-aligned indexes.
 */
export class PageCache {
  /** VMAs referring to the object. */
  users = 1;
  /** Page order of the object's pages (0, or 9/18 for hugetlb). */
  readonly order: number;
  /** hugetlb pages reserved for the object and not yet faulted (shared hugetlb mappings). */
  hugeResv = 0;
  private readonly pages = new PageTable();

  constructor(order: number) {
    this.order = order;
  }

  /** The frame (head frame for huge pages) at a unit-aligned page index, or -1. */
  lookup(index: number): number {
    const e = this.pages.get(index);
    return e === 0 ? -1 : ptePfn(e);
  }

  /** Insert a freshly allocated page (its frames hold one reference each: the cache's). */
  insert(phys: PhysMemory, index: number, pfn: number): void {
    const nr = 2 ** this.order;
    const flags = phys.frames.flags;
    for (let i = 0; i < nr; i++) flags[pfn + i] |= FRAME_PAGECACHE;
    this.pages.set(index, mkPte(pfn, 0));
  }

  /** fn(index, headPfn) for every cached page. */
  forEachPage(fn: (index: number, pfn: number) => void): void {
    this.pages.forEach(0, Number.MAX_SAFE_INTEGER, (i, e) => fn(i, ptePfn(e)));
  }

  get nrPages(): number {
    return this.pages.present * 2 ** this.order;
  }

  /** The last user is gone: drop the cache's references and any reservation. */
  release(phys: PhysMemory): void {
    const nr = 2 ** this.order;
    const flags = phys.frames.flags;
    const pfns: number[] = [];
    this.pages.forEach(0, Number.MAX_SAFE_INTEGER, (_i, e) => pfns.push(ptePfn(e)));
    for (const pfn of pfns) {
      for (let i = 0; i < nr; i++) {
        flags[pfn + i] &= ~FRAME_PAGECACHE;
        phys.putRef(pfn + i);
      }
    }
    this.pages.clearAll();
    if (this.hugeResv > 0) {
      phys.poolOf(this.order).unreserve(this.hugeResv);
      this.hugeResv = 0;
    }
  }
}
