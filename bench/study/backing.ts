/**
 * The backings of the sweep, as mmaps of one emulated process: fragmented
 * 4 KiB (fragmentation 1: no two free frames adjacent at start), contiguous
 * 4 KiB (fragmentation 0, no THP), THP (2 MiB aligned, MADV_HUGEPAGE),
 * hugetlb 2 MiB / 1 GiB (the machine's pools), and a captured real layout
 * tiled to the size (layout:NAME, below). All populated before the study's
 * timed operations.
 */
import type { LayoutFile } from '../../engine/mm/layout';
import type { Process } from '../../engine/mm';
import type { StudyBacking } from '../../engine/scenario/study-file';
import { MiB, PAGE } from './spec';

/**
 * A captured layout repeated to cover `bytes`: copy k at virtual offset
 * k × the layout's pages, PFNs shifted by k × 2^22 (a multiple of 2^18, so
 * every 2 MiB and 1 GiB phase holds; copies never touch physically). This
 * models a process with many regions laid out like the captured one.
 */
export function tileLayout(layout: LayoutFile, bytes: number): LayoutFile {
  const pages = bytes / PAGE;
  const copies = Math.ceil(pages / layout.pages);
  const runs: [number, number, number, number][] = [];
  for (let k = 0; k < copies; k++) {
    const dv = k * layout.pages;
    const dp = k * 2 ** 22;
    for (const [off, pfn, count, flags] of layout.runs) {
      if (dv + off >= pages) break;
      runs.push([dv + off, pfn + dp, Math.min(count, pages - dv - off), flags]);
    }
  }
  return {
    ...layout,
    pages: copies * layout.pages,
    runs,
    source: { ...layout.source, note: `tiled x${copies}` },
  };
}

/** mmap and populate `size` bytes of `backing`; returns the address. */
export function mmapBacking(proc: Process, backing: StudyBacking, size: number, layout?: LayoutFile): number {
  switch (backing) {
    case 'frag-4k':
    case 'contig-4k':
      return proc.mmap(size, { populate: true });
    case 'thp':
      return proc.mmap(size, { thp: true, align: 2 * MiB, populate: true });
    case 'hugetlb-2m':
      return proc.mmap(size, { hugetlb: '2M', populate: true });
    case 'hugetlb-1g':
      return proc.mmap(size, { hugetlb: '1G', populate: true });
    default: {
      if (layout === undefined) throw new Error(`${backing}: no layout text was given`);
      const tiled = tileLayout(layout, size);
      // a layout covers whole copies: map the tiled whole, use its first `size` bytes
      return proc.mmap(tiled.pages * PAGE, { layout: tiled, populate: true });
    }
  }
}

/**
 * Maximal runs of pages contiguous both virtually and physically: the
 * fewest iommu_map calls a domain can take for the range (one per run). One
 * translate per page, outside every timed section.
 */
export function physRuns(proc: Process, buf: number, size: number): number {
  let runs = 0;
  let prev = -2;
  for (let a = 0; a < size; a += PAGE) {
    const pfn = proc.translate(buf + a);
    if (pfn !== prev + 1) runs++;
    prev = pfn;
  }
  return runs;
}
