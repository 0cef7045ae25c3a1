/**
 * Which rows of a long table to put in the DOM: those in view plus an
 * overscan either side, spacers for the rest (rows have one fixed height).
 * A table of at most `all` rows is rendered whole (no spacers).
 */
export interface RowWindow {
  start: number;
  end: number;
  /** Heights (px) of the spacer rows above and below. */
  padTop: number;
  padBottom: number;
}

export const ROW_H = 20;

export function rowWindow(
  total: number,
  scrollTop: number,
  viewH: number,
  opts: { rowH?: number; overscan?: number; all?: number } = {},
): RowWindow {
  const rowH = opts.rowH ?? ROW_H;
  const overscan = opts.overscan ?? 15;
  if (total <= (opts.all ?? 200)) return { start: 0, end: total, padTop: 0, padBottom: 0 };
  // an unmeasured box (0 high) still shows a screenful
  const h = viewH > 0 ? viewH : 600;
  const first = Math.floor(Math.max(0, scrollTop) / rowH);
  const inView = Math.ceil(h / rowH);
  // past the end (a shrunk table keeps its old scroll for a frame): the last rows
  const start = Math.max(0, Math.min(first - overscan, total - inView - overscan));
  const end = Math.min(total, Math.max(first, start) + inView + overscan);
  return { start, end, padTop: start * rowH, padBottom: (total - end) * rowH };
}
