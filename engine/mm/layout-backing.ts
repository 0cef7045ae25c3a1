/**
 * mmap(len, { layout }): a private anonymous mapping whose pages are backed,
 * at mmap time, by frames placed like a captured layout's (layout-rebase.ts):
 * the runs' frames are claimed from the buddy allocator at a base where all of
 * them are free, huge runs become transparent huge pages where a whole
 * aligned 2 MiB lies in the run (a hugetlb run too: the emulation has no
 * hugetlb pool to give it), and the pages are mapped present and exclusive.
 * Pages the layout has no run for are left to fault as usual. O(runs) for
 * the placement; the PTEs are one per page.
 */
import { fail, PAGE_SIZE } from '../base';
import { FRAME_COMPOUND, HPAGE_NR, HPAGE_ORDER } from './frames';
import { LAYOUT_HUGETLB, LAYOUT_THP, parseLayout, type PfnLayout } from './layout';
import { rebaseLayout, type Rebased } from './layout-rebase';
import type { MmState } from './mm-state';
import { mkPte, PTE_EXCL, PTE_WRITE } from './page-table';
import type { PhysMemory } from './phys';
import type { MmapOptions } from './types';

export interface LayoutPlan {
  readonly layout: PfnLayout;
  readonly rebased: Rebased;
  /** Emulated PFN of offset 0. */
  readonly base: number;
}

/** Validate the options and place the layout; nothing changes yet. */
export function planLayout(phys: PhysMemory, len: number, opts: MmapOptions): LayoutPlan {
  if (opts.shared === true || opts.file === true || opts.hugetlb !== undefined)
    fail('EINVAL', 'mmap: a layout backs private anonymous memory (no shared, file or hugetlb)');
  const layout = parseLayout(opts.layout);
  if (layout.pages * PAGE_SIZE < len)
    fail(
      'EINVAL',
      `mmap: the layout covers ${layout.pages * PAGE_SIZE} bytes, shorter than the ${len} asked`,
    );
  const cut = cutLayout(layout, len / PAGE_SIZE);
  const rebased = rebaseLayout(cut);
  const buddy = phys.buddy;
  const fits = (base: number): boolean => {
    for (let r = 0; r < cut.nruns; r++)
      if (!buddy.rangeFree(base + rebased.offset[r], cut.count[r])) return false;
    return true;
  };
  if (opts.layoutBase !== undefined) {
    const b = opts.layoutBase;
    if (!Number.isSafeInteger(b) || b < 0 || b % rebased.align !== 0)
      fail('EINVAL', `mmap: layoutBase ${b} must be a non-negative multiple of ${rebased.align}`);
    if (b + rebased.span > buddy.end)
      fail(
        'ENOMEM',
        `mmap: the layout spans ${rebased.span} frames from ${b}, past the ${buddy.end} the allocator has`,
      );
    if (!fits(b)) fail('EBUSY', `mmap: frames of the layout at layoutBase ${b} are already in use`);
    return { layout: cut, rebased, base: b };
  }
  // lowest free place, trying bases a span (rounded to 4 MiB and the alignment) apart
  const unit = Math.max(rebased.align, 1024);
  const step = Math.ceil(Math.max(rebased.span, 1) / unit) * unit;
  for (let b = 0; b + rebased.span <= buddy.end; b += step)
    if (fits(b)) return { layout: cut, rebased, base: b };
  fail(
    'ENOMEM',
    `mmap: no free place for the layout (${cut.frames} frames over a span of ${rebased.span}; the allocator has ${buddy.freeFrames} free of ${buddy.end})`,
  );
}

/** The layout's first `pages` pages. */
function cutLayout(l: PfnLayout, pages: number): PfnLayout {
  if (l.pages === pages) return l;
  let n = 0;
  while (n < l.nruns && l.vpage[n] < pages) n++;
  const count = l.count.slice(0, n);
  let frames = 0;
  for (let r = 0; r < n; r++) {
    if (l.vpage[r] + count[r] > pages) count[r] = pages - l.vpage[r];
    frames += count[r];
  }
  return {
    pages,
    startPhase: l.startPhase,
    nruns: n,
    vpage: l.vpage.slice(0, n),
    pfn: l.pfn.slice(0, n),
    count,
    flags: l.flags.slice(0, n),
    frames,
  };
}

/** Claim the planned frames and map them at [startVpn, ...). */
export function installLayout(mm: MmState, plan: LayoutPlan, startVpn: number, readOnly: boolean): void {
  const phys = mm.phys;
  const f = phys.frames;
  const { layout, rebased, base } = plan;
  const bits = PTE_EXCL | (readOnly ? 0 : PTE_WRITE);
  for (let r = 0; r < layout.nruns; r++) {
    const pfn0 = base + rebased.offset[r];
    const n = layout.count[r];
    const vpn0 = startVpn + layout.vpage[r];
    phys.buddy.claimRange(pfn0, n);
    f.ref.fill(1, pfn0, pfn0 + n);
    if ((layout.flags[r] & (LAYOUT_THP | LAYOUT_HUGETLB)) !== 0) {
      // whole 2 MiB pages aligned both virtually and physically become THPs
      let i = (HPAGE_NR - (vpn0 % HPAGE_NR)) % HPAGE_NR;
      for (; i + HPAGE_NR <= n; i += HPAGE_NR) {
        const head = pfn0 + i;
        if (head % HPAGE_NR !== 0) break; // the phases differ: nowhere in this run
        f.flags.fill(FRAME_COMPOUND, head, head + HPAGE_NR);
        f.order.fill(HPAGE_ORDER, head, head + HPAGE_NR);
        f.compoundRefs[head / HPAGE_NR] = HPAGE_NR;
      }
    }
    for (let i = 0; i < n; i++) mm.pt.set(vpn0 + i, mkPte(pfn0 + i, bits));
    mm.kernel.counters.framesAllocated += n;
  }
}
