/**
 * User settings that outlive a page load (localStorage): run options (seed,
 * invariant check, wall-clock budget), what live frames carry, and the panel
 * layout. A stored value that does not parse or has the wrong type is
 * ignored field by field, never fatal.
 */
import { defineStore } from 'pinia';
import { loadText, parseRecord, saveJson } from './local-storage';

const KEY = 'pfnlab.settings.v1';

/** Sizes of the resizable panels, as fractions or pixels (see layout/). */
export interface LayoutSizes {
  /** Width of the editor column, fraction of the window (0.2..0.8). */
  editor: number;
  /** Height of the timeline row under the editor, pixels. */
  timeline: number;
  /** Height of the dashboard in the views column, fraction (0.15..0.85). */
  dashboard: number;
}

export type ViewTab = 'physical' | 'ioas' | 'domains' | 'counters' | 'charts' | 'compare' | 'output';

/** The colour theme the user chose; 'system' follows `prefers-color-scheme`. */
import type { ResolvedTheme, ThemeSetting } from '../theme/theme-names';

export type { ResolvedTheme, ThemeSetting };
export const THEME_SETTINGS: readonly ThemeSetting[] = ['system', 'light', 'dark'];

interface Persisted {
  seed: number;
  check: boolean;
  budgetSeconds: number;
  livePhysBuckets: number;
  layout: LayoutSizes;
  viewTab: ViewTab;
  theme: ThemeSetting;
}

export const DEFAULT_LAYOUT: LayoutSizes = { editor: 0.42, timeline: 260, dashboard: 0.5 };

function defaults(): Persisted {
  return {
    seed: 1,
    check: true,
    budgetSeconds: 30,
    livePhysBuckets: 1024,
    layout: { ...DEFAULT_LAYOUT },
    viewTab: 'physical',
    theme: 'system',
  };
}

const VIEW_TABS: ViewTab[] = ['physical', 'ioas', 'domains', 'counters', 'charts', 'compare', 'output'];

/** Whether the system asks for a dark theme now (no matchMedia: dark, the app's first look). */
export function systemPrefersDark(): boolean {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return true;
  return !window.matchMedia('(prefers-color-scheme: light)').matches;
}

/** The theme to draw: the setting, or the system's when the setting is 'system'. */
export function resolveTheme(setting: ThemeSetting, systemDark: boolean): ResolvedTheme {
  if (setting === 'system') return systemDark ? 'dark' : 'light';
  return setting;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Parse stored settings, keeping each default whose stored value is unusable. */
export function parseSettings(text: string | null): Persisted {
  const out = defaults();
  const r = parseRecord(text);
  if (r === null) return out;
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (num(r.seed) && Number.isSafeInteger(r.seed) && r.seed >= 0) out.seed = r.seed;
  if (typeof r.check === 'boolean') out.check = r.check;
  if (num(r.budgetSeconds) && r.budgetSeconds >= 1 && r.budgetSeconds <= 3600)
    out.budgetSeconds = r.budgetSeconds;
  if (num(r.livePhysBuckets)) out.livePhysBuckets = clamp(Math.round(r.livePhysBuckets), 0, 8192);
  if (typeof r.viewTab === 'string' && (VIEW_TABS as string[]).includes(r.viewTab))
    out.viewTab = r.viewTab as ViewTab;
  if (typeof r.theme === 'string' && (THEME_SETTINGS as string[]).includes(r.theme))
    out.theme = r.theme as ThemeSetting;
  const l = r.layout as Record<string, unknown> | undefined;
  if (typeof l === 'object' && l !== null) {
    if (num(l.editor)) out.layout.editor = clamp(l.editor, 0.2, 0.8);
    if (num(l.timeline)) out.layout.timeline = clamp(l.timeline, 80, 2000);
    if (num(l.dashboard)) out.layout.dashboard = clamp(l.dashboard, 0.15, 0.85);
  }
  return out;
}

export const useSettingsStore = defineStore('settings', {
  state: () => ({
    ...parseSettings(loadText(KEY)),
    /** The system's colour scheme (not persisted; theme/install.ts keeps it current). */
    systemDark: systemPrefersDark(),
  }),
  getters: {
    resolvedTheme: (s): ResolvedTheme => resolveTheme(s.theme, s.systemDark),
  },
  actions: {
    save(): void {
      const s: Persisted = {
        seed: this.seed,
        check: this.check,
        budgetSeconds: this.budgetSeconds,
        livePhysBuckets: this.livePhysBuckets,
        layout: { ...this.layout },
        viewTab: this.viewTab,
        theme: this.theme,
      };
      saveJson(KEY, s);
    },
    setLayout(patch: Partial<LayoutSizes>): void {
      this.layout = parseSettings(JSON.stringify({ layout: { ...this.layout, ...patch } })).layout;
      this.save();
    },
    setTheme(theme: ThemeSetting): void {
      this.theme = theme;
      this.save();
    },
    setViewTab(tab: ViewTab): void {
      this.viewTab = tab;
      this.save();
    },
    resetLayout(): void {
      this.layout = { ...DEFAULT_LAYOUT };
      this.save();
    },
  },
});
