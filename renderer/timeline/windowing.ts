/**
 * Windowing of a fixed-row-height list: which rows a scroll position shows,
 * and where to scroll to reveal one. Pure, so that 100 000 rows cost only
 * the few dozen in the DOM.
 *
 * Browsers cap an element's height (Chromium ~33 M px, Firefox ~17 M px):
 * past MAX_SCROLL_PX the scroll range is compressed — the spacer is
 * MAX_SCROLL_PX tall and scrollTop maps linearly onto the rows' virtual
 * offset — so that a million-event run still scrolls end to end.
 */
export const MAX_SCROLL_PX = 8_000_000;

export interface RowWindow {
  /** First row rendered and one past the last. */
  first: number;
  end: number;
  /** Top of row `first`, px from the top of the scrolled content. */
  top: number;
  /** Height of the scrolled content (the spacer), px. */
  height: number;
}

/** Height of the spacer for `count` rows. */
export function contentHeight(count: number, rowH: number): number {
  return Math.min(count * rowH, MAX_SCROLL_PX);
}

/** Virtual px (rows × rowH) per scroll px: 1 unless the list is compressed. */
function ratio(count: number, rowH: number, viewport: number): number {
  const full = count * rowH;
  if (full <= MAX_SCROLL_PX) return 1;
  return (full - viewport) / Math.max(1, MAX_SCROLL_PX - viewport);
}

/** The rows visible at `scrollTop` in a viewport of `viewport` px, plus `overscan` rows either side. */
export function rowWindow(
  scrollTop: number,
  viewport: number,
  rowH: number,
  count: number,
  overscan = 6,
): RowWindow {
  const height = contentHeight(count, rowH);
  if (count === 0 || viewport <= 0) return { first: 0, end: Math.min(count, overscan), top: 0, height };
  const top0 = Math.max(0, Math.min(scrollTop, Math.max(0, height - viewport)));
  const virtualTop = top0 * ratio(count, rowH, viewport);
  const firstVisible = Math.min(count - 1, Math.floor(virtualTop / rowH));
  const first = Math.max(0, firstVisible - overscan);
  const end = Math.min(count, Math.ceil((virtualTop + viewport) / rowH) + overscan);
  // Rows sit at their virtual offset shifted so that the visible ones line up with the viewport.
  const top = top0 + (first * rowH - virtualTop);
  return { first, end, top, height };
}

/** Row under a point `y` px below the top of the viewport, or -1. */
export function rowAt(y: number, scrollTop: number, viewport: number, rowH: number, count: number): number {
  if (count === 0 || y < 0) return -1;
  const height = contentHeight(count, rowH);
  const top0 = Math.max(0, Math.min(scrollTop, Math.max(0, height - viewport)));
  const i = Math.floor((top0 * ratio(count, rowH, viewport) + y) / rowH);
  return i < count ? i : -1;
}

/**
 * The scrollTop that brings row `index` into view with `margin` rows of
 * context (unchanged when it is already there; centred when far away).
 */
export function revealScroll(
  index: number,
  scrollTop: number,
  viewport: number,
  rowH: number,
  count: number,
  margin = 1,
): number {
  if (index < 0 || index >= count || viewport <= 0) return scrollTop;
  const r = ratio(count, rowH, viewport);
  const height = contentHeight(count, rowH);
  const maxTop = Math.max(0, height - viewport);
  const virtualTop = scrollTop * r;
  const rowTop = index * rowH;
  const m = Math.min(margin * rowH, Math.max(0, (viewport - rowH) / 2));
  if (rowTop >= virtualTop + m && rowTop + rowH <= virtualTop + viewport - m) return scrollTop;
  const far = rowTop + rowH < virtualTop - viewport || rowTop > virtualTop + 2 * viewport;
  let target: number;
  if (far) target = rowTop - (viewport - rowH) / 2;
  else if (rowTop < virtualTop + m) target = rowTop - m;
  else target = rowTop + rowH + m - viewport;
  return Math.max(0, Math.min(maxTop, Math.round(target / r)));
}

/** Whether the list is scrolled to (within a row of) its end. */
export function atEnd(scrollTop: number, viewport: number, rowH: number, count: number): boolean {
  return scrollTop + viewport >= contentHeight(count, rowH) - rowH;
}
