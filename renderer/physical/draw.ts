/**
 * The physical memory map on a 2-D canvas context: one cell per bucket
 * (pinned / in use / free segments, or their mixed colour when the cell is
 * tiny), a bottom band for THP and hugetlb frames, highlighted frames
 * brightened and outlined, GiB notches and labels, the address ruler, the drag
 * selection and the hovered cell. O(buckets): cells are fillRects grouped
 * by colour (one fillStyle per state), overlays are one path each.
 */
import { FRAME_STATE_COUNT, type PhysAnswer } from '../../engine/base/inspect-types';
import { themeColors } from '../theme/colors';
import { FRAME_COLORS, HIGHLIGHT_COLOR, HUGETLB_COLOR, THP_COLOR } from '../theme/palette';
import { cssRgb, mixColor, segmentWidths } from './frames';
import { bucketOf, bucketStart, gibMarks, labelEvery, FRAMES_PER_GIB, type GridLayout } from './grid';

/** What the renderer needs of a canvas context (tests pass a recording fake). */
export type Ctx2D = Pick<
  CanvasRenderingContext2D,
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'globalAlpha'
  | 'font'
  | 'textBaseline'
  | 'textAlign'
  | 'setTransform'
  | 'clearRect'
  | 'fillRect'
  | 'strokeRect'
  | 'beginPath'
  | 'rect'
  | 'fill'
  | 'stroke'
  | 'moveTo'
  | 'lineTo'
  | 'fillText'
>;

export type RulerMode = 'address' | 'pfn';

export interface PhysDrawOptions {
  answer: PhysAnswer;
  layout: GridLayout;
  ruler: RulerMode;
  dpr: number;
  /** Hovered bucket (-1: none). */
  hover: number;
  /** Buckets of a drag selection in progress, inclusive (null: none). */
  selection: { a: number; b: number } | null;
}

const MONO = "'JetBrains Mono', 'DejaVu Sans Mono', monospace";
/** Cells narrower than this are drawn in their mixed colour, not split. */
export const SPLIT_MIN = 6;

/** Scratch segment widths, reused across frames (3 per bucket). */
let scratch = new Float32Array(0);

function rulerText(pfn: number, mode: RulerMode): string {
  return mode === 'address' ? `0x${(pfn * 4096).toString(16)}` : `pfn 0x${pfn.toString(16)}`;
}

export function drawPhys(ctx: Ctx2D, o: PhysDrawOptions): void {
  const { answer: a, layout: l } = o;
  ctx.setTransform(o.dpr, 0, 0, o.dpr, 0, 0);
  ctx.clearRect(0, 0, l.width, l.height);
  const B = Math.min(a.buckets, l.buckets);
  const cols = l.cols;
  const px = l.cw;
  const py = l.ch;
  const iw = l.iw;
  const ih = l.ih;
  const counts = a.counts;

  // 1. Cells.
  if (iw >= SPLIT_MIN) {
    if (scratch.length < B * 3) scratch = new Float32Array(B * 3);
    for (let b = 0; b < B; b++) {
      const o3 = b * FRAME_STATE_COUNT;
      const [wp, wu, wf] = segmentWidths(
        counts[o3] as number,
        counts[o3 + 1] as number,
        counts[o3 + 2] as number,
        iw,
      );
      scratch[b * 3] = wp;
      scratch[b * 3 + 1] = wu;
      scratch[b * 3 + 2] = wf;
    }
    // pinned from the left, then in use, then free
    const order = [2, 1, 0] as const;
    for (let k = 0; k < 3; k++) {
      ctx.fillStyle = FRAME_COLORS[order[k]];
      for (let b = 0; b < B; b++) {
        let off = 0;
        for (let j = 0; j < k; j++) off += scratch[b * 3 + j] as number;
        const w = scratch[b * 3 + k] as number;
        if (w <= 0) continue;
        const col = b % cols;
        const row = (b - col) / cols;
        ctx.fillRect(l.x0 + col * px + off, l.y0 + row * py, w, ih);
      }
    }
  } else {
    const groups = new Map<string, number[]>();
    for (let b = 0; b < B; b++) {
      const o3 = b * FRAME_STATE_COUNT;
      const key = cssRgb(mixColor(counts[o3] as number, counts[o3 + 1] as number, counts[o3 + 2] as number));
      const g = groups.get(key);
      if (g) g.push(b);
      else groups.set(key, [b]);
    }
    for (const [color, list] of groups) {
      ctx.fillStyle = color;
      for (const b of list) {
        const col = b % cols;
        const row = (b - col) / cols;
        ctx.fillRect(l.x0 + col * px, l.y0 + row * py, iw, ih);
      }
    }
  }

  // 2. THP and hugetlb: a band along the bottom of the cell, as wide as their share.
  const band = Math.max(1, Math.round(ih * 0.3));
  for (const [arr, color, after] of [
    [a.thp, THP_COLOR, null],
    [a.hugetlb, HUGETLB_COLOR, a.thp],
  ] as const) {
    ctx.beginPath();
    let any = false;
    for (let b = 0; b < B; b++) {
      const n = arr[b] as number;
      if (n === 0) continue;
      const size = bucketStart(a.start, a.end, a.buckets, b + 1) - bucketStart(a.start, a.end, a.buckets, b);
      const before = after === null ? 0 : ((after[b] as number) / size) * iw;
      const w = Math.max(1, (n / size) * iw);
      const col = b % cols;
      const row = (b - col) / cols;
      ctx.rect(l.x0 + col * px + Math.min(before, iw - w), l.y0 + row * py + ih - band, w, band);
      any = true;
    }
    if (any) {
      ctx.fillStyle = color;
      ctx.fill();
    }
  }

  // 3. Highlighted frames: brightened, and outlined when the cell is big enough.
  let anyHl = false;
  ctx.beginPath();
  for (let b = 0; b < B; b++) {
    if ((a.highlight[b] as number) === 0) continue;
    const col = b % cols;
    const row = (b - col) / cols;
    ctx.rect(l.x0 + col * px, l.y0 + row * py, iw, ih);
    anyHl = true;
  }
  if (anyHl) {
    ctx.fillStyle = HIGHLIGHT_COLOR;
    ctx.globalAlpha = 0.28;
    ctx.fill();
    ctx.globalAlpha = 1;
    if (iw >= 4 && ih >= 4) {
      ctx.strokeStyle = HIGHLIGHT_COLOR;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let b = 0; b < B; b++) {
        if ((a.highlight[b] as number) === 0) continue;
        const col = b % cols;
        const row = (b - col) / cols;
        ctx.rect(l.x0 + col * px + 0.5, l.y0 + row * py + 0.5, iw - 1, ih - 1);
      }
      ctx.stroke();
    }
  }

  // 4. GiB boundaries inside a row: a notch at the top-left of the cell where the GiB starts
  // (one at a row start is the ruler's: labelled there, no notch).
  const marks = gibMarks(a.start, a.end);
  const notch = Math.max(2, Math.min(3, Math.round(py * 0.3)));
  let anyNotch = false;
  ctx.beginPath();
  for (const g of marks) {
    const b = bucketOf(a.start, a.end, a.buckets, g);
    const col = b % cols;
    if (col === 0 && bucketStart(a.start, a.end, a.buckets, b) === g) continue;
    const row = (b - col) / cols;
    const x = l.x0 + col * px - (px - iw) / 2;
    ctx.rect(x - 1, l.y0 + row * py - 1, 2, notch + 1);
    anyNotch = true;
  }
  if (anyNotch) {
    ctx.fillStyle = themeColors.strong;
    ctx.globalAlpha = 0.7;
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  // 5. Ruler: the first frame of every k-th row, GiB labels at the right of the gutter.
  const rows = Math.ceil(B / cols);
  const every = labelEvery(l);
  const fontPx = Math.min(11, Math.max(9, py));
  ctx.font = `${fontPx}px ${MONO}`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = themeColors.muted;
  ctx.textAlign = 'left';
  const half = Math.min(py, fontPx + 2) / 2;
  for (let r = 0; r < rows; r += every) {
    const pfn = bucketStart(a.start, a.end, a.buckets, r * cols);
    ctx.fillText(rulerText(pfn, o.ruler), 4, l.y0 + r * py + half);
  }
  // GiB labels for the labelled rows that start on a GiB boundary
  ctx.textAlign = 'right';
  ctx.fillStyle = themeColors.strong;
  for (let r = 0; r < rows; r += every) {
    const pfn = bucketStart(a.start, a.end, a.buckets, r * cols);
    if (pfn > 0 && pfn % FRAMES_PER_GIB === 0) ctx.fillText(`${pfn / FRAMES_PER_GIB}G`, l.x0 - 5, l.y0 + r * py + half);
  }

  // 6. Drag selection and hover.
  if (o.selection !== null) {
    const lo = Math.max(0, Math.min(o.selection.a, o.selection.b));
    const hi = Math.min(B - 1, Math.max(o.selection.a, o.selection.b));
    ctx.beginPath();
    for (let b = lo; b <= hi; b++) {
      const col = b % cols;
      const row = (b - col) / cols;
      ctx.rect(l.x0 + col * px, l.y0 + row * py, px, py);
    }
    ctx.fillStyle = themeColors.accent;
    ctx.globalAlpha = 0.4;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
  if (o.hover >= 0 && o.hover < B) {
    const col = o.hover % cols;
    const row = (o.hover - col) / cols;
    ctx.strokeStyle = HIGHLIGHT_COLOR;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(l.x0 + col * px - 0.75, l.y0 + row * py - 0.75, iw + 1.5, ih + 1.5);
  }
}
