/**
 * Where the grouped bar chart puts things (pure; CSS pixels): the y scale
 * (linear from 0, or log by decades), its ticks, each bar's rectangle and
 * whisker, group labels, the ratio's reference line, and which bar a point
 * is over.
 */
import type { ChartData } from './chart-data';

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface YScale {
  log: boolean;
  lo: number;
  hi: number;
  /** value → y (CSS px); for log a value ≤ 0 maps to the bottom. */
  y(v: number): number;
}

export interface BarRect {
  group: number;
  bar: number;
  strategy: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Whisker ends (y, CSS px) when the bar stands for more than one value. */
  whisker: [number, number] | null;
  /** No value at all (every cell skipped or without a baseline). */
  empty: boolean;
  /** The median it stands for (null when empty). */
  value: number | null;
}

export interface ChartLayout {
  plot: Box;
  scale: YScale;
  ticks: { v: number; y: number }[];
  bars: BarRect[];
  groupLabels: { text: string; x: number }[];
  /** y of the value 1 (ratios: the baseline); null off the scale or not a ratio. */
  reference: number | null;
}

export const PAD = { left: 64, right: 12, top: 18, bottom: 26 };
const MAX_BAR = 56;
const GROUP_GAP = 0.22;

/** 1, 2, 5 × 10^k steps, about `want` of them from 0 to max. */
export function niceStep(max: number, want: number): number {
  const raw = max / Math.max(1, want);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export function makeScale(d: ChartData, log: boolean, plot: Box, includeOne: boolean): YScale {
  const bottom = plot.top + plot.height;
  if (log && Number.isFinite(d.minPositive)) {
    let lo = 10 ** Math.floor(Math.log10(d.minPositive));
    let hi = 10 ** Math.ceil(Math.log10(d.max));
    if (includeOne) {
      lo = Math.min(lo, 1);
      hi = Math.max(hi, 10);
    }
    if (hi <= lo) hi = lo * 10;
    const a = Math.log10(lo);
    const span = Math.log10(hi) - a;
    return {
      log: true,
      lo,
      hi,
      y: (v) => (v <= 0 ? bottom : bottom - ((Math.log10(v) - a) / span) * plot.height),
    };
  }
  let max = Number.isFinite(d.max) && d.max > 0 ? d.max : 1;
  if (includeOne) max = Math.max(max, 1);
  const step = niceStep(max, 5);
  const hi = Math.ceil((max * 1.04) / step) * step;
  return { log: false, lo: 0, hi, y: (v) => bottom - (Math.max(0, v) / hi) * plot.height };
}

export function ticksOf(s: YScale): number[] {
  if (s.log) {
    const out: number[] = [];
    const decades = Math.round(Math.log10(s.hi / s.lo));
    for (let e = Math.log10(s.lo); e <= Math.log10(s.hi) + 1e-9; e++) {
      const base = 10 ** Math.round(e);
      out.push(base);
      // few decades: 2× and 5× too
      if (decades <= 2 && base * 10 <= s.hi * (1 + 1e-9)) out.push(base * 2, base * 5);
    }
    return out.filter((v) => v >= s.lo * (1 - 1e-9) && v <= s.hi * (1 + 1e-9)).sort((a, b) => a - b);
  }
  const step = niceStep(s.hi, 5);
  const out: number[] = [];
  for (let v = 0; v <= s.hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

export function layoutChart(
  d: ChartData,
  opts: { width: number; height: number; log: boolean; ratio: boolean },
): ChartLayout {
  const plot: Box = {
    left: PAD.left,
    top: PAD.top,
    width: Math.max(1, opts.width - PAD.left - PAD.right),
    height: Math.max(1, opts.height - PAD.top - PAD.bottom),
  };
  const scale = makeScale(d, opts.log, plot, opts.ratio);
  const ticks = ticksOf(scale).map((v) => ({ v, y: scale.y(v) }));
  const nG = Math.max(1, d.groups.length);
  const gw = plot.width / nG;
  const inner = gw * (1 - GROUP_GAP);
  const nB = Math.max(1, d.strategies.length);
  const bw = Math.max(2, Math.min(MAX_BAR, inner / nB));
  const bottom = plot.top + plot.height;
  const bars: BarRect[] = [];
  const groupLabels: { text: string; x: number }[] = [];
  d.groups.forEach((g, gi) => {
    const cx = plot.left + gw * (gi + 0.5);
    groupLabels.push({ text: g.label, x: cx });
    const x0 = cx - (bw * g.bars.length) / 2;
    g.bars.forEach((b, bi) => {
      const x = x0 + bi * bw;
      if (b.median === null) {
        bars.push({
          group: gi,
          bar: bi,
          strategy: b.strategy,
          x,
          y: bottom,
          w: bw,
          h: 0,
          whisker: null,
          empty: true,
          value: null,
        });
        return;
      }
      const top = Math.min(bottom, scale.y(b.median));
      bars.push({
        group: gi,
        bar: bi,
        strategy: b.strategy,
        x,
        y: top,
        w: bw,
        h: bottom - top,
        whisker: b.n > 1 && b.max > b.min ? [scale.y(b.max), scale.y(b.min)] : null,
        empty: false,
        value: b.median,
      });
    });
  });
  const ref = opts.ratio ? scale.y(1) : null;
  return {
    plot,
    scale,
    ticks,
    bars,
    groupLabels,
    reference: ref !== null && ref >= plot.top && ref <= bottom ? ref : null,
  };
}

/** The bar whose column (its full height in the plot) holds the point; null between bars. */
export function barAt(l: ChartLayout, x: number, y: number): BarRect | null {
  if (y < l.plot.top || y > l.plot.top + l.plot.height) return null;
  for (const b of l.bars) if (x >= b.x && x < b.x + b.w) return b;
  return null;
}
