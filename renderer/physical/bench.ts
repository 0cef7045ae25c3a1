/**
 * Benchmark of one physical-view frame on a real canvas (run in Chromium by
 * the bench helper; not in vitest: happy-dom has no canvas). Synthesises a
 * fragmented machine of `nframes` frames summarised in `buckets` buckets
 * (mixed states, THP and hugetlb, a highlighted pages object) and times
 * `draws` full redraws at the device pixel ratio. Target: < 16 ms for a
 * 64 GiB machine (16 M frames) at 2 048 buckets.
 */
import type { PhysAnswer } from '../../engine/base/inspect-types';
import { drawPhys } from './draw';
import { bucketStart, gridLayout } from './grid';

export interface PhysBenchResult {
  name: string;
  nframes: number;
  buckets: number;
  draws: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  targetMs: number;
}

/** A deterministic, fragmented summary (xorshift: the same every run). */
export function syntheticPhys(nframes: number, buckets: number): PhysAnswer {
  const B = Math.max(1, Math.min(buckets, nframes));
  const counts = new Uint32Array(B * 3);
  const thp = new Uint32Array(B);
  const hugetlb = new Uint32Array(B);
  const highlight = new Uint32Array(B);
  let s = 0x9e3779b9;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  for (let b = 0; b < B; b++) {
    const n = bucketStart(0, nframes, B, b + 1) - bucketStart(0, nframes, B, b);
    const used = Math.floor(n * rnd());
    const pinned = Math.floor((n - used) * rnd() * 0.5);
    counts[b * 3] = n - used - pinned;
    counts[b * 3 + 1] = used;
    counts[b * 3 + 2] = pinned;
    if (rnd() < 0.2) thp[b] = Math.floor(used * rnd());
    if (rnd() < 0.05) hugetlb[b] = n;
    if (rnd() < 0.1) highlight[b] = pinned;
  }
  return { kind: 'phys', nframes, start: 0, end: nframes, buckets: B, counts, thp, hugetlb, highlight, highlightRuns: 0, highlightFrames: 0 };
}

export function benchPhysicalFrame(nframes: number, buckets: number, draws = 60, width = 900, height = 420): PhysBenchResult {
  const canvas = document.createElement('canvas');
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.cssText = `position:fixed;left:0;top:0;width:${width}px;height:${height}px`;
  document.body.appendChild(canvas);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  const answer = syntheticPhys(nframes, buckets);
  const layout = gridLayout(width, height, answer.buckets);
  const times: number[] = [];
  for (let i = 0; i < draws + 3; i++) {
    const t0 = performance.now();
    drawPhys(ctx, { answer, layout, ruler: 'address', dpr, hover: i % answer.buckets, selection: null });
    ctx.getImageData(0, 0, 1, 1); // wait for the raster, not only the command queue
    const dt = performance.now() - t0;
    if (i >= 3) times.push(dt); // warm-up
  }
  canvas.remove();
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  return {
    name: `physical view frame, ${nframes} frames, ${answer.buckets} buckets`,
    nframes,
    buckets: answer.buckets,
    draws,
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: times[times.length - 1] as number,
    targetMs: 16,
  };
}
