/**
 * The colours every view shares, from the Okabe–Ito palette (distinguishable
 * with the common colour-vision deficiencies), so that a tier or a frame
 * state has one colour in the dashboard, the physical view and the legends.
 * Index = the TIER_* / FRAME_STATE_* constants of engine/base/inspect-types.
 *
 * The data colours are the same in both themes; the neutral entries (a page
 * no tier holds, free and unpinned frames, the highlight) follow the theme:
 * colors.ts rewrites them in place, so read them at draw time.
 */
export const TIER_COLORS = [
  '#4a515c', // TIER_NONE: not pinned (neutral grey; per theme)
  '#56b4e9', // TIER_DOMAIN: sky blue
  '#e69f00', // TIER_XARRAY: orange
  '#cc79a7', // TIER_BOTH: reddish purple
] as [string, string, string, string];

export const FRAME_COLORS = [
  '#22262d', // free (per theme)
  '#3f6f8f', // in use, not pinned (muted blue; per theme)
  '#e69f00', // pinned (orange)
] as [string, string, string];

export const THP_COLOR = '#009e73'; // bluish green
export const HUGETLB_COLOR = '#f0e442'; // yellow
/** Outlines of what is highlighted (white on dark, near-black on light; a live binding). */
export let HIGHLIGHT_COLOR = '#ffffff';
/** Marks what changed at the selected step. */
export const CHANGE_COLOR = '#d55e00'; // vermillion
/** Colours of areas / IOASes / spans by index; the yellow (index 2) darkens on a light theme (its labels must read on white). */
export const AREA_COLORS = ['#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7'] as [
  string,
  string,
  string,
  string,
  string,
  string,
];

/** Bumped whenever the theme rewrote the neutral entries (caches of derived colours compare it). */
export let paletteVersion = 0;

/** Called by colors.ts only. */
export function setHighlightColor(c: string): void {
  HIGHLIGHT_COLOR = c;
  paletteVersion++;
}

/** `#rrggbb` as [r, g, b] (canvas ImageData fills). */
export function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
