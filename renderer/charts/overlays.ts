/**
 * What the line charts draw over uPlot's plot: `lab.measure` spans as faint
 * bands, marks as labelled dashed lines, and the selected step as a solid
 * line. `layoutOverlays` maps them to canvas x (pure); `drawOverlays`
 * paints them on any context with the few 2D calls it needs (tests pass a
 * recording fake: happy-dom has no canvas).
 */
import type { TimelineMark, TimelineSpan } from '../../engine/scenario/timeline';
import { themeColors } from '../theme/colors';
import type { XAxis } from './series-build';

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface OverlayInput {
  axis: XAxis;
  marks: readonly TimelineMark[];
  spans: readonly TimelineSpan[];
  /** x of each point (the axis' values); the selected step indexes it. */
  xs: Float64Array;
  step: number;
  /** Draw the mark labels (only the top chart of a stack does). */
  labels: boolean;
}

export interface OverlayLayout {
  bands: { x0: number; x1: number }[];
  /** labelX: where the label's box starts (left of the line when it would not fit on the right). */
  marks: { x: number; label: string; showLabel: boolean; labelX: number }[];
  step: number | null;
}

/** Minimal 2D context the overlays need. */
export interface OverlayContext {
  save(): void;
  restore(): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  setLineDash(segments: number[]): void;
  strokeStyle: unknown;
  fillStyle: unknown;
  lineWidth: number;
  font: string;
  textBaseline: string;
  textAlign: string;
}

/** Overlay colours of the current theme (theme/colors.ts, read at draw time). */
export const OVERLAY_COLORS = {
  band: 'rgba(79, 179, 169, 0.06)',
  get mark(): string {
    return themeColors.tick;
  },
  get markText(): string {
    return themeColors.text;
  },
  get markTextBg(): string {
    return themeColors.labelBg;
  },
  get step(): string {
    return themeColors.hover;
  },
};

/** Gap kept between two mark labels, canvas px. */
const LABEL_GAP = 6;

/**
 * Canvas x of every overlay; `toPx` maps an x value to a canvas x. Labels
 * that would overlap the previous shown label are hidden (the line stays).
 */
export function layoutOverlays(
  inp: OverlayInput,
  box: Box,
  toPx: (x: number) => number,
  labelWidth: (text: string) => number,
): OverlayLayout {
  const right = box.left + box.width;
  const inside = (x: number): boolean => x >= box.left - 0.5 && x <= right + 0.5;
  const bands: OverlayLayout['bands'] = [];
  for (const s of inp.spans) {
    if (s.firstSeq > s.lastSeq) continue;
    const a = inp.axis === 'seq' ? s.firstSeq - 1 : s.t;
    const b = inp.axis === 'seq' ? s.lastSeq : s.t + s.dur;
    const x0 = Math.max(box.left, toPx(a));
    const x1 = Math.min(right, toPx(b));
    if (x1 > x0) bands.push({ x0, x1 });
  }
  const marks: OverlayLayout['marks'] = [];
  let labelEnd = -Infinity;
  for (const m of inp.marks) {
    const x = toPx(inp.axis === 'seq' ? m.seq : m.t);
    if (!inside(x)) continue;
    const w = labelWidth(m.label);
    // on the right of the line; on its left when only that fits; else on the right, clipped
    const labelX = x + 3 + w <= right || x - 3 - w < box.left ? x + 3 : x - 3 - w;
    const showLabel = inp.labels && labelX >= labelEnd + LABEL_GAP;
    if (showLabel) labelEnd = labelX + w;
    marks.push({ x, label: m.label, showLabel, labelX });
  }
  let step: number | null = null;
  if (inp.step >= 0 && inp.step < inp.xs.length) {
    const x = toPx(inp.xs[inp.step] as number);
    if (inside(x)) step = x;
  }
  return { bands, marks, step };
}

/** Paint a layout; `px` is the device pixel ratio (canvas pixels per CSS pixel). */
export function drawOverlays(ctx: OverlayContext, lay: OverlayLayout, box: Box, px: number): void {
  const top = box.top;
  const bottom = box.top + box.height;
  ctx.save();
  ctx.fillStyle = OVERLAY_COLORS.band;
  for (const b of lay.bands) ctx.fillRect(b.x0, top, b.x1 - b.x0, box.height);

  ctx.lineWidth = px;
  ctx.setLineDash([3 * px, 3 * px]);
  ctx.strokeStyle = OVERLAY_COLORS.mark;
  ctx.beginPath();
  for (const m of lay.marks) {
    const x = Math.round(m.x) + 0.5;
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = `${Math.round(10.5 * px)}px 'DejaVu Sans', system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  const pad = 2 * px;
  for (const m of lay.marks) {
    if (!m.showLabel) continue;
    const w = ctx.measureText(m.label).width;
    ctx.fillStyle = OVERLAY_COLORS.markTextBg;
    ctx.fillRect(m.labelX, top + px, w + 2 * pad, 14 * px);
    ctx.fillStyle = OVERLAY_COLORS.markText;
    ctx.fillText(m.label, m.labelX + pad, top + 2.5 * px);
  }

  if (lay.step !== null) {
    ctx.strokeStyle = OVERLAY_COLORS.step;
    ctx.lineWidth = 1.5 * px;
    ctx.beginPath();
    ctx.moveTo(lay.step, top);
    ctx.lineTo(lay.step, bottom);
    ctx.stroke();
  }
  ctx.restore();
}
