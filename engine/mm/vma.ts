import { PAGE_SIZE } from '../base';
import type { PageCache } from './page-cache';

/**
 * One virtual memory area [start, end) of a process (bytes, page aligned).
 * Anonymous private areas have no `cache`; shared areas and private file
 * areas map the pages of a PageCache, page `pgoff` at `start`.
 */
export class Vma {
  start: number;
  end: number;
  readonly shared: boolean;
  readonly readOnly: boolean;
  readonly thp: boolean;
  readonly file: boolean;
  /** 0 for 4 KiB pages; 9 (2 MiB) or 18 (1 GiB) for hugetlb. */
  readonly hugeOrder: number;
  readonly cache: PageCache | null;
  /** Page index in `cache` of the page at `start`. */
  pgoff: number;
  /** hugetlb pages reserved for this (private) area and not faulted yet. */
  hugeResv = 0;

  constructor(init: {
    start: number;
    end: number;
    shared: boolean;
    readOnly: boolean;
    thp: boolean;
    file: boolean;
    hugeOrder: number;
    cache: PageCache | null;
    pgoff: number;
  }) {
    this.start = init.start;
    this.end = init.end;
    this.shared = init.shared;
    this.readOnly = init.readOnly;
    this.thp = init.thp;
    this.file = init.file;
    this.hugeOrder = init.hugeOrder;
    this.cache = init.cache;
    this.pgoff = init.pgoff;
  }

  get startVpn(): number {
    return this.start / PAGE_SIZE;
  }

  get endVpn(): number {
    return this.end / PAGE_SIZE;
  }

  /** Bytes per page of the area (4 KiB or the hugetlb size). */
  get unitSize(): number {
    return PAGE_SIZE * 2 ** this.hugeOrder;
  }

  /** Same area, other bounds (a split half or a fork copy); takes a cache user. */
  clone(start: number, end: number): Vma {
    const v = new Vma({
      start,
      end,
      shared: this.shared,
      readOnly: this.readOnly,
      thp: this.thp,
      file: this.file,
      hugeOrder: this.hugeOrder,
      cache: this.cache,
      pgoff: this.pgoff + (start - this.start) / PAGE_SIZE,
    });
    if (this.cache !== null) this.cache.users++;
    return v;
  }
}
