/**
 * The end-to-end tests' window onto the drawn dashboard:
 * `window.__pfnlabDashboard`, set while the panel is mounted. Coordinates
 * are CSS px relative to the canvas's top-left corner (multiply by
 * devicePixelRatio to read the canvas's pixels): `y` is the middle of a
 * strip's bar, `x0`/`x1` its left and right edge, `start`/`end` the visible
 * page-index range, so page i is drawn around
 * x = x0 + (i + 0.5 - start) / (end - start) · (x1 - x0).
 */

export interface HookStrip {
  /** The pages key (TierAnswer.key); `id` tells apart pages objects sharing a key (`key#2`, …). */
  key: string;
  id: string;
  y: number;
  x0: number;
  x1: number;
  start: number;
  end: number;
  /** Top and height of the bar. */
  top: number;
  height: number;
  status: 'same' | 'new' | 'gone';
}

export interface DashboardHook {
  /** Tier (TIER_*) drawn for page `index` of the strip `key`, or null (unknown, mixed bucket, no such strip). */
  tierAt(key: string, index: number): number | null;
  /** The strips of the current step as drawn (pages objects gone at this step are left out). */
  strips(): HookStrip[];
  /** Step the drawn answers belong to (-1: none). */
  step(): number;
  /** Frames drawn so far. */
  frames(): number;
  /** Zoom strip `key` (a key or an id) to [start, end) and draw now. */
  setView(key: string, start: number, end: number): void;
}

declare global {
  interface Window {
    __pfnlabDashboard?: DashboardHook;
  }
}

export function installTestHook(h: DashboardHook): () => void {
  if (typeof window === 'undefined') return () => {};
  window.__pfnlabDashboard = h;
  return () => {
    if (window.__pfnlabDashboard === h) delete window.__pfnlabDashboard;
  };
}
