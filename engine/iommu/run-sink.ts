/**
 * The PFN-run sink of the domains' read fast paths (readPageRuns of the mock
 * and the page-table domain): struct pfn_batch's arrays as the domains see
 * them, the cursor of where a fast path stopped, and the one append both
 * read paths use.
 */

/** The largest count one run of a pfn_batch holds (npfns is a u32 array). */
const U32_MAX = 0xffffffff;

/**
 * Where a run fast path stopped (mapPageRuns / readPageRuns): the next run
 * index and IOVA, and whether the sink ran out of room. Callers keep one and
 * reuse it, so the fast paths allocate nothing.
 */
export interface RunCursor {
  k: number;
  iova: number;
  full: boolean;
}

/** PFN runs being filled (struct pfn_batch's arrays; PfnBatch satisfies it). */
export interface RunSink {
  readonly pfns: Float64Array;
  readonly npfns: Uint32Array;
  end: number;
  arraySize: number;
  totalPfns: number;
}

/**
 * Append PFNs pfn .. pfn + n - 1 to the sink's runs [0, end) as
 * batch_add_pfn would one by one: extend the last run while it is
 * contiguous and under U32_MAX, else start a run. Returns how many were
 * placed: fewer than n when the run arrays filled up. Leaves totalPfns to
 * the caller (it adds a whole read at once).
 */
export function appendPfns(sink: RunSink, pfn: number, n: number): number {
  const pfns = sink.pfns;
  const npfns = sink.npfns;
  let end = sink.end;
  let placed = 0;
  while (placed < n) {
    const r = end - 1;
    if (r >= 0 && pfn === (pfns[r] as number) + (npfns[r] as number) && npfns[r] !== U32_MAX) {
      const m = Math.min(n - placed, U32_MAX - (npfns[r] as number));
      npfns[r] += m;
      placed += m;
      pfn += m;
      continue;
    }
    if (end === sink.arraySize) break;
    pfns[end] = pfn;
    npfns[end] = 1;
    end++;
    placed++;
    pfn++;
  }
  sink.end = end;
  return placed;
}
