/** The summary `lab.layout(source)` returns (the scenario API's LayoutInfo). */
import { byPfn, LAYOUT_HUGETLB, LAYOUT_THP, parseLayout } from './layout';

export interface LayoutSummary {
  pages: number;
  frames: number;
  runs: number;
  hugeRuns: number;
  physicalBlocks: number;
}

export function layoutInfo(source: unknown): LayoutSummary {
  const l = parseLayout(source);
  let hugeRuns = 0;
  for (let r = 0; r < l.nruns; r++) if ((l.flags[r] & (LAYOUT_THP | LAYOUT_HUGETLB)) !== 0) hugeRuns++;
  const order = byPfn(l);
  let physicalBlocks = l.nruns > 0 ? 1 : 0;
  for (let j = 1; j < l.nruns; j++) {
    const a = order[j - 1];
    if (l.pfn[order[j]] !== l.pfn[a] + l.count[a]) physicalBlocks++;
  }
  return { pages: l.pages, frames: l.frames, runs: l.nruns, hugeRuns, physicalBlocks };
}
