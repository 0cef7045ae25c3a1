/**
 * Rebasing a captured layout into the emulated machine: the real PFNs are
 * spread over a machine far larger than the emulated one, so the frames move,
 * keeping what decides the IOMMU cost. Frames contiguous in the capture
 * (whether one run or runs that are neighbours only physically) stay
 * contiguous; frames that were not are at least one frame apart; a block of
 * 512 (or 2^18) frames or more keeps its PFN phase relative to its virtual
 * address modulo 2 MiB (1 GiB), so huge IO pages fit where they fitted.
 * O(runs log runs).
 */
import { byPfn, LAYOUT_MAX_ALIGN, type PfnLayout } from './layout';

const HUGE_2M = 512;

export interface Rebased {
  /** Frame offset of each run (virtual order) from the placement base. */
  readonly offset: Float64Array;
  /** Frames from the base to the end of the last block. */
  readonly span: number;
  /** The base must be a multiple of this (1, 512 or 2^18). */
  readonly align: number;
}

function alignFor(frames: number): number {
  return frames >= LAYOUT_MAX_ALIGN ? LAYOUT_MAX_ALIGN : frames >= HUGE_2M ? HUGE_2M : 1;
}

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}

export function rebaseLayout(layout: PfnLayout): Rebased {
  const n = layout.nruns;
  const { pfn, count } = layout;
  const order = byPfn(layout);
  const offset = new Float64Array(n);
  let maxAlign = 1;
  let pos = 0;
  let j = 0;
  let first = true;
  while (j < n) {
    // a block: runs whose frames follow each other physically
    let k = j + 1;
    let end = pfn[order[j]] + count[order[j]];
    while (k < n && pfn[order[k]] === end) {
      end += count[order[k]];
      k++;
    }
    const start = pfn[order[j]];
    const a = alignFor(end - start);
    if (a > maxAlign) maxAlign = a;
    // emulated virtual pages start at phase 0 (the mapping is aligned), real ones at startPhase
    const phase = mod(start - layout.startPhase, a);
    const lo = first ? 0 : pos + 1;
    const e = lo + mod(phase - lo, a);
    for (let i = j; i < k; i++) offset[order[i]] = e + (pfn[order[i]] - start);
    pos = e + (end - start);
    first = false;
    j = k;
  }
  return { offset, span: pos, align: maxAlign };
}
