/**
 * Browser benchmark of the dashboard's frame (called by the e2e/bench helper
 * in Chromium; not run from vitest): a synthetic TierAnswer of `npages`
 * pages in `buckets` buckets, every bucket a different mix of the four tiers
 * (the worst case: no two columns merge), drawn with its header, brackets
 * and ruler on a real canvas N times while the view pans and zooms.
 * msPerFrame: a redraw (hover, pan, zoom); msFirstFrame: a frame of a new
 * step's answer (bucket prefix sums and change marks computed afresh).
 */
import { TIER_COUNT, type TierAnswer } from '../../engine/base/inspect-types';
import { compareAnswers, matchStrips } from './changes';
import { drawFrame, type StripFrame } from './frame';
import { layoutHeight, layoutStrips } from './layout';
import { bucketBounds } from './summary';
import { fullView, zoomAt } from './view';

export interface DashboardBench {
  npages: number;
  buckets: number;
  frames: number;
  width: number;
  dpr: number;
  msPerFrame: number;
  msFirstFrame: number;
}

/** A deterministic answer whose buckets all mix the tiers differently. */
export function syntheticAnswer(npages: number, buckets: number, seed = 1): TierAnswer {
  const B = Math.min(buckets, npages);
  const bounds = bucketBounds(0, npages, B);
  const counts = new Uint32Array(B * TIER_COUNT);
  let x = seed >>> 0 || 1;
  const rnd = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  for (let b = 0; b < B; b++) {
    let left = (bounds[b + 1] as number) - (bounds[b] as number);
    for (let t = 1; t < TIER_COUNT; t++) {
      const c = Math.floor(left * rnd() * 0.6);
      counts[b * TIER_COUNT + t] = c;
      left -= c;
    }
    counts[b * TIER_COUNT] = left;
  }
  const key = `1:${0x7f0000000000}:${npages}`;
  return {
    kind: 'tiers',
    pages: 1,
    key,
    pid: 1,
    uptr: 0x7f0000000000,
    npages,
    npinned: Math.floor(npages / 2),
    lastNpinned: Math.floor(npages / 2),
    start: 0,
    end: npages,
    buckets: B,
    counts,
    areas: [0, 1, 2].map((i) => ({
      ioas: i + 1,
      iova: String(2 ** 32 * (i + 1)),
      length: String(Math.floor(npages / 2) * 4096),
      index: Math.floor((i * npages) / 4),
      lastIndex: Math.floor((i * npages) / 4) + Math.floor(npages / 2) - 1,
      pages: key,
      prot: 3,
      storageDomain: i,
      numAccesses: 0,
    })),
    accesses: [
      { start: 0, last: Math.floor(npages / 8), users: 1 },
      { start: Math.floor(npages / 16), last: Math.floor(npages / 4), users: 2 },
    ],
  };
}

export function benchDashboardFrame(
  npages: number,
  buckets: number,
  frames = 120,
  width = 1200,
): DashboardBench {
  const dpr = typeof window !== 'undefined' && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
  const answers = [syntheticAnswer(npages, buckets, 1), syntheticAnswer(npages, buckets, 2)];
  const layout0 = layoutStrips(matchStrips([answers[0] as TierAnswer], null), width);
  const height = layoutHeight(layout0);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  const frameOf = (cur: TierAnswer, prev: TierAnswer, view: { start: number; end: number }): StripFrame[] => {
    const entries = matchStrips([cur], [prev]);
    return layoutStrips(entries, width).map((l) => ({
      layout: l,
      view,
      layers: [{ answer: cur, prev, changes: compareAnswers(cur, prev) }],
      info: { countersChanged: false, changed: '12 buckets changed', loading: false },
      hover: { lo: view.start, hi: view.start + (view.end - view.start) / width },
      selection: null,
    }));
  };
  const a = answers[0] as TierAnswer;
  const b = answers[1] as TierAnswer;
  const strips = frameOf(a, b, fullView(npages));
  // Warm up (JIT, the raster, fonts): the figures are for steady drawing.
  for (let i = 0; i < 20; i++) {
    for (const s of strips) s.view = zoomAt(fullView(npages), npages, i / 20, 0.5);
    drawFrame(ctx, { width, height, dpr, strips });
  }
  ctx.getImageData(0, 0, 1, 1);
  // Redraws: the view zooms in and out around moving points.
  let view = fullView(npages);
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    view = zoomAt(view, npages, (i % 10) / 10, i % 20 < 10 ? 0.9 : 1 / 0.9);
    for (const s of strips) s.view = view;
    drawFrame(ctx, { width, height, dpr, strips });
  }
  ctx.getImageData(0, 0, 1, 1);
  const t1 = performance.now();
  // First frames of a new step: fresh answers (new prefix sums, new change marks).
  const n2 = Math.max(4, Math.floor(frames / 10));
  const fresh = Array.from({ length: n2 }, (_, i) => syntheticAnswer(npages, buckets, i + 3));
  const t2 = performance.now();
  for (let i = 0; i < n2; i++) {
    const s = frameOf(fresh[i] as TierAnswer, i > 0 ? (fresh[i - 1] as TierAnswer) : a, fullView(npages));
    drawFrame(ctx, { width, height, dpr, strips: s });
  }
  ctx.getImageData(0, 0, 1, 1);
  const t3 = performance.now();
  return {
    npages,
    buckets,
    frames,
    width,
    dpr,
    msPerFrame: (t1 - t0) / frames,
    msFirstFrame: (t3 - t2) / n2,
  };
}
