/**
 * iopt_get_pages (IOMMUFD-ALGORITHMS.md §9.5): the list of page slices behind
 * [iova, iova + length), each with its own pages reference, for IOAS_COPY.
 * The areas must be contiguous and not busy, else ENOENT.
 */
import { fail, ULONG_MAX } from '../../base';
import type { IoptArea } from '../area-pages';
import type { IoPagetableState } from './io-pagetable-state';
import { freePagesList, type IoptPagesListElm } from './map';

export type { IoptPagesListElm } from './map';

/**
 * iopt_area_contig_init/next: the areas covering [iova, last] back to back,
 * each with pages. `done()` tells whether they reached `last`.
 */
export class AreaContigIter {
  area: IoptArea | null = null;
  curIova: bigint;
  constructor(
    private readonly iopt: IoPagetableState,
    iova: bigint,
    readonly lastIova: bigint,
  ) {
    this.curIova = iova;
    const n = iopt.areaItree.iterFirst(iova, iova);
    this.area = n !== null && n.value.pages !== null ? n.value : null;
  }

  /** Last IOVA of the current slice. */
  get sliceLast(): bigint {
    const a = this.area as IoptArea;
    return this.lastIova < a.lastIova ? this.lastIova : a.lastIova;
  }

  next(): IoptArea | null {
    const a = this.area;
    if (a === null) return null;
    if (this.lastIova <= a.lastIova) {
      this.area = null;
      this.finished = true;
      return null;
    }
    this.curIova = a.lastIova + 1n;
    const n = a.node === null ? null : this.iopt.areaItree.iterNext(a.node, this.curIova, this.lastIova);
    if (n === null || n.value.iova !== this.curIova || n.value.pages === null) {
      this.area = null;
      return null;
    }
    this.area = n.value;
    return this.area;
  }

  private finished = false;

  /** iopt_area_contig_done, evaluated after the loop ended. */
  done(): boolean {
    return this.finished;
  }

  /** iopt_area_contig_done while iterating: the current area reaches last. */
  currentReachesEnd(): boolean {
    return this.area !== null && this.lastIova <= this.area.lastIova;
  }
}

export function getPages(iopt: IoPagetableState, iova: bigint, length: bigint): IoptPagesListElm[] {
  if (length === 0n) fail('EINVAL', 'length must be non-zero');
  const last = iova + length - 1n;
  if (last > ULONG_MAX)
    fail('EOVERFLOW', `iova 0x${iova.toString(16)} + length 0x${length.toString(16)} overflows`);
  const list: IoptPagesListElm[] = [];
  const it = new AreaContigIter(iopt, iova, last);
  try {
    for (let area = it.area; area !== null; area = it.next()) {
      if (iopt.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'iopt_pages_list allocation failed');
      const pages = area.pages;
      if (pages === null) break;
      pages.get();
      list.push({
        pages,
        area: null,
        startByte: area.startByte(it.curIova),
        length: it.sliceLast - it.curIova + 1n,
      });
    }
    if (!it.done())
      fail(
        'ENOENT',
        `[0x${iova.toString(16)}, 0x${last.toString(16)}] is not fully covered by contiguous mapped areas (gap at 0x${it.curIova.toString(16)})`,
      );
  } catch (e) {
    freePagesList(iopt, list);
    throw e;
  }
  return list;
}
