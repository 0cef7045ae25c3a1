/**
 * The two themes' colours for code that draws (canvas, uPlot, SVG attributes):
 * the same values as the CSS variables of styles.css (colors.test.ts keeps
 * them equal). `themeColors` is one live object that `applyThemeColors`
 * rewrites in place when the theme changes, so a renderer that reads
 * `themeColors.text` at draw time gets the current theme; views redraw on a
 * change of `useSettingsStore().resolvedTheme`. The Okabe–Ito data colours
 * (palette.ts) are the same in both themes, except the neutral ones.
 */
import type { ResolvedTheme } from './theme-names';
import { AREA_COLORS, FRAME_COLORS, TIER_COLORS, setHighlightColor } from './palette';

export interface ThemeColors {
  /** Page background (--bg). */
  page: string;
  /** Panel and canvas background (--panel). */
  bg: string;
  /** Bars and cards on a panel (--panel-2). */
  bar: string;
  border: string;
  text: string;
  muted: string;
  /** Least important text (--faint). */
  faint: string;
  /** Emphasised text: GiB marks, labels on bars (--strong). */
  strong: string;
  accent: string;
  /** Hover outlines and the selected step (--highlight). */
  hover: string;
  /** A drag selection's veil. */
  veil: string;
  /** Chart axes, grid and ticks. */
  axis: string;
  grid: string;
  tick: string;
  /** A text label's backdrop on a chart. */
  labelBg: string;
  /** Free physical frame, in-use unpinned frame, a page pinned by no tier. */
  freeFrame: string;
  usedFrame: string;
  unpinned: string;
  /** Access brackets and labels on the dashboard: the xarray tier's orange (darker on light). */
  accessInk: string;
  /** AREA_COLORS[2]: Okabe–Ito yellow on dark, a dark yellow on light. */
  areaYellow: string;
}

export const THEME_COLORS: Readonly<Record<ResolvedTheme, Readonly<ThemeColors>>> = {
  dark: {
    page: '#111317',
    bg: '#181b20',
    bar: '#1e2228',
    border: '#2a2f37',
    text: '#d7dbe0',
    muted: '#8a929d',
    faint: '#5c636d',
    strong: '#c9d1d9',
    accent: '#4fb3a9',
    hover: '#ffffff',
    veil: 'rgba(255, 255, 255, 0.18)',
    axis: '#8a929d',
    grid: 'rgba(138, 146, 157, 0.14)',
    tick: 'rgba(138, 146, 157, 0.35)',
    labelBg: 'rgba(17, 19, 23, 0.82)',
    freeFrame: '#22262d',
    usedFrame: '#3f6f8f',
    unpinned: '#4a515c',
    areaYellow: '#f0e442',
    accessInk: '#e69f00',
  },
  light: {
    page: '#eef0f3',
    bg: '#ffffff',
    bar: '#f1f3f6',
    border: '#d3d8de',
    text: '#1c2026',
    muted: '#5a636f',
    faint: '#8b939e',
    strong: '#2b3139',
    accent: '#17786f',
    hover: '#111317',
    veil: 'rgba(17, 19, 23, 0.12)',
    axis: '#5a636f',
    grid: 'rgba(90, 99, 111, 0.16)',
    tick: 'rgba(90, 99, 111, 0.4)',
    labelBg: 'rgba(255, 255, 255, 0.88)',
    freeFrame: '#e4e7eb',
    usedFrame: '#8fb3cc',
    unpinned: '#b8bfc8',
    areaYellow: '#a89600',
    accessInk: '#a86f00',
  },
};

/** The current theme's colours (rewritten in place by applyThemeColors). */
export const themeColors: ThemeColors = { ...THEME_COLORS.dark };

let current: ResolvedTheme = 'dark';

export function currentTheme(): ResolvedTheme {
  return current;
}

/** Switch the live colours (and palette.ts's neutral entries) to a theme. */
export function applyThemeColors(theme: ResolvedTheme): void {
  current = theme;
  const c = THEME_COLORS[theme];
  Object.assign(themeColors, c);
  TIER_COLORS[0] = c.unpinned;
  FRAME_COLORS[0] = c.freeFrame;
  FRAME_COLORS[1] = c.usedFrame;
  AREA_COLORS[2] = c.areaYellow;
  setHighlightColor(c.hover);
}
