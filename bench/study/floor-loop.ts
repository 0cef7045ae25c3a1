/**
 * The floor of a cell: the same loop as bench/floor.ts's floor (copy N PFNs
 * between typed arrays, once per target), parameterised by N and the number
 * of copies and timed in the worker that runs the cell, just before it. It
 * is the least any storage scheme must do to move that many PFNs: what the
 * engine spends above it is its overhead. (bench/floor.ts does not export
 * its fixed 1 GiB × 4 floor; this is that loop with its sizes as arguments.)
 */

let src = new Uint32Array(0);
let dst = new Uint32Array(0);

function arrays(npages: number): void {
  if (src.length >= npages) return;
  src = new Uint32Array(npages);
  dst = new Uint32Array(npages);
  for (let i = 0; i < npages; i++) src[i] = (i * 2654435761) >>> 12;
}

/** Best of `reps` (more for small N, so a tick of the clock does not decide it) of `copies` passes over `npages` PFNs, ms. */
export function floorMs(npages: number, copies: number): number {
  arrays(npages);
  const reps = npages * copies <= 1 << 24 ? 20 : 5;
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let d = 0; d < copies; d++) for (let i = 0; i < npages; i++) dst[i] = src[i] as number;
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
