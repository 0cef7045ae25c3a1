/**
 * Test and bench fixtures: TierAnswers built from tier runs the way the
 * engine buckets them, and a recording Ctx2D (happy-dom has no 2D canvas).
 */
import {
  TIER_COUNT,
  type InspectAccessNode,
  type InspectArea,
  type PageDetail,
  type TierAnswer,
} from '../../engine/base/inspect-types';
import type { Ctx2D } from './ctx';
import { bucketBounds } from './summary';

/** [start, end, tier] runs over page indexes; uncovered pages are TIER_NONE. */
export type Run = [number, number, number];

export function tierCountsOf(runs: readonly Run[], start: number, end: number, buckets: number): Uint32Array {
  const counts = new Uint32Array(buckets * TIER_COUNT);
  const bounds = bucketBounds(start, end, buckets);
  for (let b = 0; b < buckets; b++)
    counts[b * TIER_COUNT] = (bounds[b + 1] as number) - (bounds[b] as number);
  for (const [rs, re, t] of runs) {
    if (t === 0) continue;
    for (let b = 0; b < buckets; b++) {
      const lo = Math.max(rs, bounds[b] as number);
      const hi = Math.min(re, bounds[b + 1] as number);
      if (hi <= lo) continue;
      counts[b * TIER_COUNT + t] = (counts[b * TIER_COUNT + t] as number) + hi - lo;
      counts[b * TIER_COUNT] = (counts[b * TIER_COUNT] as number) - (hi - lo);
    }
  }
  return counts;
}

export interface AnswerSpec {
  key?: string;
  pages?: number;
  npages: number;
  start?: number;
  end?: number;
  buckets?: number;
  runs?: Run[];
  areas?: Partial<InspectArea>[];
  accesses?: InspectAccessNode[];
  npinned?: number;
  lastNpinned?: number;
  /** Per-page PFN base (pfn = base + index) when detail is present; domains holding every pinned page. */
  pfnBase?: number;
  domainIds?: number[];
}

export function makeAnswer(s: AnswerSpec): TierAnswer {
  const start = s.start ?? 0;
  const end = s.end ?? s.npages;
  const buckets = Math.min(s.buckets ?? 2048, end - start);
  const runs = s.runs ?? [];
  const a: TierAnswer = {
    kind: 'tiers',
    pages: s.pages ?? 1,
    key: s.key ?? `1:${0x7f0000000000}:${s.npages}`,
    pid: 1,
    uptr: 0x7f0000000000,
    npages: s.npages,
    npinned: s.npinned ?? 0,
    lastNpinned: s.lastNpinned ?? 0,
    start,
    end,
    buckets,
    counts: tierCountsOf(runs, start, end, buckets),
    areas: (s.areas ?? []).map((r) => ({
      ioas: 1,
      iova: '1048576',
      length: String(s.npages * 4096),
      index: 0,
      lastIndex: s.npages - 1,
      pages: s.key ?? '',
      prot: 3,
      storageDomain: 0,
      numAccesses: 0,
      ...r,
    })),
    accesses: s.accesses ?? [],
  };
  if (end - start <= (s.buckets ?? 2048))
    a.detail = makeDetail(runs, start, end, s.pfnBase ?? 0x1000, s.domainIds ?? [0]);
  return a;
}

export function makeDetail(
  runs: readonly Run[],
  start: number,
  end: number,
  pfnBase: number,
  domainIds: number[],
): PageDetail {
  const n = end - start;
  const d: PageDetail = {
    start,
    end,
    pfn: new Float64Array(n).fill(-1),
    tier: new Uint8Array(n),
    pin: new Uint32Array(n),
    holders: new Uint32Array(n),
    domainIds,
  };
  const domMask = domainIds.reduce((m, _, i) => m | (1 << i), 0);
  for (const [rs, re, t] of runs)
    for (let i = Math.max(rs, start); i < Math.min(re, end); i++) {
      const k = i - start;
      d.tier[k] = t;
      d.pfn[k] = pfnBase + i;
      d.pin[k] = t === 0 ? 0 : 1;
      d.holders[k] = ((t & 1 ? domMask : 0) | (t & 2 ? 0x80000000 : 0)) >>> 0;
    }
  return d;
}

export interface Op {
  op: string;
  args: (string | number)[];
  fillStyle: string;
}

/** A Ctx2D that records fillRect / strokeRect / fillText with the style in force. */
export function recordingCtx(): Ctx2D & { ops: Op[]; rects(color?: string): Op[] } {
  const ops: Op[] = [];
  const state = { fillStyle: '#000', strokeStyle: '#000', font: '10px sans-serif' };
  const ctx = {
    ops,
    rects(color?: string) {
      return ops.filter((o) => o.op === 'fillRect' && (color === undefined || o.fillStyle === color));
    },
    get fillStyle() {
      return state.fillStyle;
    },
    set fillStyle(v: string) {
      state.fillStyle = v;
    },
    get strokeStyle() {
      return state.strokeStyle;
    },
    set strokeStyle(v: string) {
      state.strokeStyle = v;
    },
    get font() {
      return state.font;
    },
    set font(v: string) {
      state.font = v;
    },
    lineWidth: 1,
    textAlign: 'left',
    textBaseline: 'alphabetic',
    globalAlpha: 1,
    fillRect: (...args: number[]) => ops.push({ op: 'fillRect', args, fillStyle: state.fillStyle }),
    strokeRect: (...args: number[]) => ops.push({ op: 'strokeRect', args, fillStyle: state.strokeStyle }),
    clearRect: () => {},
    fillText: (t: string, x: number, y: number) =>
      ops.push({ op: 'fillText', args: [t, x, y], fillStyle: state.fillStyle }),
    measureText: (t: string) => ({ width: t.length * 6 }) as TextMetrics,
    beginPath: () => {},
    moveTo: () => {},
    lineTo: () => {},
    stroke: () => ops.push({ op: 'stroke', args: [], fillStyle: state.strokeStyle }),
    save: () => {},
    restore: () => {},
    rect: () => {},
    clip: () => {},
    setLineDash: () => {},
  };
  return ctx as unknown as Ctx2D & { ops: Op[]; rects(color?: string): Op[] };
}
