/**
 * Everything drawn around a tier bar: the header line (pages object, user
 * VA, size, pin counters, new/gone badges), access brackets above the bar,
 * the index ruler and the area brackets below it. Text is clipped to the
 * room it has (shorter variants first, then nothing).
 */
import { AREA_COLORS, CHANGE_COLOR } from '../theme/palette';
import { CHROME, MONO_FONT, UI_FONT, type Ctx2D } from './ctx';
import { count, hex, hexLast, humanBytes, PAGE_SIZE, shortIndex } from './format';
import { METRICS, type StripLayout } from './layout';
import type { ViewRange } from './view';

export interface HeaderInfo {
  /** Counters differ from the previous step. */
  countersChanged: boolean;
  /** What changed at this step ("3 pages changed"), or null. */
  changed: string | null;
  loading: boolean;
}

function font(ctx: Ctx2D, px: number, dpr: number, mono = false, bold = false): void {
  ctx.font = `${bold ? '600 ' : ''}${Math.round(px * dpr)}px ${mono ? MONO_FONT : UI_FONT}`;
}

/** Draw `text` left-aligned at x, returning the x after it. */
function text(ctx: Ctx2D, s: string, x: number, y: number, color: string): number {
  ctx.fillStyle = color;
  ctx.fillText(s, x, y);
  return x + ctx.measureText(s).width;
}

/** The first of `variants` that fits in `room` device px, or null. */
export function fitText(ctx: Ctx2D, variants: readonly string[], room: number): string | null {
  for (const v of variants) if (ctx.measureText(v).width <= room) return v;
  return null;
}

export function drawHeader(ctx: Ctx2D, l: StripLayout, view: ViewRange, info: HeaderInfo, dpr: number): void {
  const a = l.entry.answer;
  const y = (l.headerTop + METRICS.header / 2) * dpr;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  let x = l.x0 * dpr;
  font(ctx, 12, dpr, false, true);
  x = text(ctx, `pages #${a.pages}`, x, y, CHROME.text) + 8 * dpr;
  font(ctx, 11.5, dpr, true);
  x = text(ctx, hex(a.uptr), x, y, CHROME.text) + 8 * dpr;
  font(ctx, 12, dpr);
  x = text(
    ctx,
    `${humanBytes(a.npages * PAGE_SIZE)} · ${count(a.npages)} pages · pid ${a.pid}`,
    x,
    y,
    CHROME.muted,
  );
  x += 10 * dpr;
  if (l.entry.status !== 'same') {
    font(ctx, 11, dpr, false, true);
    const badge = l.entry.status === 'new' ? 'new at this step' : 'gone at this step';
    const w = ctx.measureText(badge).width + 10 * dpr;
    ctx.strokeStyle = CHANGE_COLOR;
    ctx.lineWidth = Math.max(1, dpr);
    ctx.strokeRect(x, y - 8 * dpr, w, 16 * dpr);
    x = text(ctx, badge, x + 5 * dpr, y, CHANGE_COLOR) + 15 * dpr;
  }
  // Right side: pin counters; the zoomed range before them.
  ctx.textAlign = 'right';
  let xr = l.x1 * dpr;
  if (l.entry.status === 'gone') return;
  font(ctx, 11.5, dpr, true);
  const pins = `npinned ${count(a.npinned)} / last ${count(a.lastNpinned)}`;
  ctx.fillStyle = info.countersChanged ? CHANGE_COLOR : CHROME.text;
  ctx.fillText(pins, xr, y);
  xr -= ctx.measureText(pins).width + 14 * dpr;
  font(ctx, 11, dpr);
  const note = (t: string, color: string): void => {
    const w = ctx.measureText(t).width;
    if (xr - w < x) return;
    ctx.fillStyle = color;
    ctx.fillText(t, xr, y);
    xr -= w + 14 * dpr;
  };
  if (info.changed) note(info.changed, CHANGE_COLOR);
  if (view.start > 0 || view.end < a.npages) {
    const s = Math.floor(view.start);
    const e = Math.ceil(view.end);
    note(
      `pages ${count(s)}–${count(e - 1)} · ×${formatZoom(a.npages / (view.end - view.start))}`,
      CHROME.muted,
    );
  }
  if (info.loading) note('loading…', CHROME.faint);
  ctx.textAlign = 'left';
}

function formatZoom(z: number): string {
  return z >= 100 ? count(z) : z >= 10 ? z.toFixed(0) : z.toFixed(1);
}

/** Narrowest bracket drawn, CSS px. */
export const BRACKET_MIN_W = 7;

function xOf(view: ViewRange, l: StripLayout, i: number, dpr: number): number {
  return (l.x0 + ((i - view.start) / (view.end - view.start)) * (l.x1 - l.x0)) * dpr;
}

/**
 * A bracket from index `lo` to `hi` (exclusive) on a line at yLine with end
 * ticks toward yTick, and a centred label cut into the line.
 */
function bracket(
  ctx: Ctx2D,
  l: StripLayout,
  view: ViewRange,
  lo: number,
  hi: number,
  yLine: number,
  yTick: number,
  color: string,
  labels: readonly string[],
  dpr: number,
  labelFloor = -Infinity,
): number {
  const X0 = l.x0 * dpr;
  const X1 = l.x1 * dpr;
  let xa = xOf(view, l, lo, dpr);
  let xb = xOf(view, l, hi, dpr);
  if (xb < X0 || xa > X1) return labelFloor;
  // A bracket over a page or two of a big object stays visible (and its label goes beside it).
  const minW = BRACKET_MIN_W * dpr;
  if (xb - xa < minW) {
    const m = Math.max(X0 + minW / 2, Math.min(X1 - minW / 2, (xa + xb) / 2));
    xa = m - minW / 2;
    xb = m + minW / 2;
  }
  const ca = Math.max(X0, xa);
  const cb = Math.min(X1, xb);
  const lw = Math.max(1, Math.round(dpr));
  ctx.strokeStyle = color;
  ctx.lineWidth = lw;
  ctx.beginPath();
  const inset = Math.min(lw, (cb - ca) / 4);
  ctx.moveTo(ca + inset, yLine);
  ctx.lineTo(cb - inset, yLine);
  if (xa >= X0) {
    ctx.moveTo(xa + inset, yLine);
    ctx.lineTo(xa + inset, yTick);
  }
  if (xb <= X1) {
    ctx.moveTo(xb - inset, yLine);
    ctx.lineTo(xb - inset, yTick);
  }
  ctx.stroke();
  const room = cb - ca - 12 * dpr;
  let label = room > 0 ? fitText(ctx, labels, room) : null;
  let xm = (ca + cb) / 2;
  let w = label ? ctx.measureText(label).width : 0;
  if (!label) {
    // Beside the bracket: right of it if there is room, else left of it.
    const right = X1 - cb - 8 * dpr;
    const left = ca - Math.max(X0, labelFloor) - 8 * dpr;
    label = fitText(ctx, labels, Math.max(right, left));
    if (!label) return labelFloor;
    w = ctx.measureText(label).width;
    xm = w <= right ? cb + 6 * dpr + w / 2 : ca - 6 * dpr - w / 2;
  }
  // Never over the previous label of the lane.
  if (xm - w / 2 - 4 * dpr < labelFloor) return labelFloor;
  ctx.fillStyle = CHROME.bg;
  ctx.fillRect(xm - w / 2 - 4 * dpr, yLine - 6 * dpr, w + 8 * dpr, 12 * dpr);
  ctx.fillStyle = color;
  ctx.textAlign = 'center';
  ctx.fillText(label, xm, yLine);
  ctx.textAlign = 'left';
  return xm + w / 2 + 4 * dpr;
}

export function drawAccesses(ctx: Ctx2D, l: StripLayout, view: ViewRange, dpr: number): void {
  const acc = l.entry.answer.accesses;
  if (acc.length === 0) return;
  font(ctx, 10, dpr, true);
  ctx.textBaseline = 'middle';
  // The xarray tier's orange, darker on a light theme (the labels must read on white).
  const color = CHROME.accessInk;
  const floors: number[] = [];
  acc.forEach((n, i) => {
    const lane = l.accessLane[i] ?? 0;
    const top = l.accessTop + (l.accessLane[i] ?? 0) * METRICS.accessLane;
    const yLine = (top + 6) * dpr;
    const yTick = (l.accessTop + l.accessLanes * METRICS.accessLane + 1) * dpr;
    const users = n.users > 1 ? ` ×${n.users}` : '';
    floors[lane] = bracket(
      ctx,
      l,
      view,
      n.start,
      n.last + 1,
      yLine,
      yTick,
      color,
      [`access [${n.start}, ${n.last}]${users}`, `access${users}`, `${n.users}`],
      dpr,
      floors[lane],
    );
  });
}

export function areaColor(ioas: number): string {
  return AREA_COLORS[Math.abs(ioas) % AREA_COLORS.length] as string;
}

export function drawAreas(ctx: Ctx2D, l: StripLayout, view: ViewRange, dpr: number): void {
  const areas = l.entry.answer.areas;
  if (areas.length === 0) return;
  font(ctx, 10.5, dpr, true);
  ctx.textBaseline = 'middle';
  const floors: number[] = [];
  areas.forEach((a, i) => {
    const lane = l.areaLane[i] ?? 0;
    const top = l.areaTop + lane * METRICS.areaLane;
    const yLine = (top + 9) * dpr;
    const yTick = (l.areaTop + 1) * dpr;
    const iova = `${hex(a.iova)}–${hexLast(a.iova, a.length)}`;
    const dom = a.storageDomain === null ? 'no storage domain' : `storage dom ${a.storageDomain}`;
    floors[lane] = bracket(
      ctx,
      l,
      view,
      a.index,
      a.lastIndex + 1,
      yLine,
      yTick,
      areaColor(a.ioas),
      [
        `IOAS ${a.ioas} · ${iova} · ${dom}`,
        `IOAS ${a.ioas} · ${iova}`,
        `IOAS ${a.ioas} · ${hex(a.iova)}`,
        `IOAS ${a.ioas}`,
        `${a.ioas}`,
      ],
      dpr,
      floors[lane],
    );
  });
}

/** Tick spacing (pages) so that labels are ≥ minPx CSS px apart: 1, 2, 5 × 10^k. */
export function rulerStep(span: number, widthPx: number, minPx = 80): number {
  const raw = (span / Math.max(1, widthPx)) * minPx;
  let step = 1;
  while (step < raw) {
    const s = String(step)[0];
    step *= s === '2' ? 2.5 : 2;
  }
  return step;
}

/** A ruler label precise enough for its tick spacing: 299 995 between close ticks, 300k between far ones. */
export function rulerLabel(i: number, step: number): string {
  if (step < 100 || (step < 1000 && i >= 10000)) return count(i);
  if (i >= 1e6) {
    const digits = step < 10000 ? 3 : step < 100000 ? 2 : 1;
    return `${(i / 1e6).toFixed(digits).replace(/\.?0+$/, '')}M`;
  }
  return shortIndex(i);
}

export function drawRuler(ctx: Ctx2D, l: StripLayout, view: ViewRange, dpr: number): void {
  const span = view.end - view.start;
  const step = rulerStep(span, l.x1 - l.x0);
  const y = l.rulerTop * dpr;
  font(ctx, 10, dpr, true);
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillStyle = CHROME.border;
  ctx.fillRect(l.x0 * dpr, y, (l.x1 - l.x0) * dpr, Math.max(1, Math.round(dpr)));
  const pagesWide = (l.x1 - l.x0) / span >= 14; // label the page under the tick, centred
  for (let i = Math.ceil(view.start / step) * step; i <= view.end; i += step) {
    const x = Math.round(xOf(view, l, pagesWide ? i + 0.5 : i, dpr));
    if (x > l.x1 * dpr) break;
    ctx.fillStyle = CHROME.faint;
    ctx.fillRect(x, y, Math.max(1, Math.round(dpr)), 4 * dpr);
    ctx.fillStyle = CHROME.muted;
    ctx.textAlign = pagesWide ? 'center' : 'left';
    const s = rulerLabel(i, step);
    if (!pagesWide && x + ctx.measureText(s).width + 3 * dpr > l.x1 * dpr) continue;
    ctx.fillText(s, pagesWide ? x : x + 3 * dpr, y + 4 * dpr);
  }
  ctx.textAlign = 'left';
}
