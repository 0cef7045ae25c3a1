/**
 * What the charts show (series, x axis): one module-level reactive object so
 * that it survives the tab being closed and reopened, saved under its own
 * localStorage key (the settings store belongs to the shell).
 */
import { effectScope, reactive, watch } from 'vue';
import type { XAxis } from './series-build';
import { DEFAULT_SHOWN, SERIES, type SeriesName } from './series-defs';

const KEY = 'pfnlab.charts.v1';

export interface ChartPrefs {
  shown: SeriesName[];
  axis: XAxis;
}

export function parsePrefs(text: string | null): ChartPrefs {
  const out: ChartPrefs = { shown: [...DEFAULT_SHOWN], axis: 'seq' };
  if (text === null) return out;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof raw !== 'object' || raw === null) return out;
  const r = raw as Record<string, unknown>;
  if (r.axis === 'seq' || r.axis === 'time') out.axis = r.axis;
  if (Array.isArray(r.shown)) {
    const known = new Set<string>(SERIES.map((s) => s.name));
    out.shown = r.shown.filter((n): n is SeriesName => typeof n === 'string' && known.has(n));
  }
  return out;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

let prefs: ChartPrefs | null = null;

export function useChartPrefs(): ChartPrefs {
  if (prefs) return prefs;
  const p = reactive(parsePrefs(storage()?.getItem(KEY) ?? null));
  // a detached scope: the first panel to ask must not take the saving watcher with it when it unmounts
  effectScope(true).run(() =>
    watch(
      () => [p.axis, [...p.shown]] as const,
      () => {
        try {
          storage()?.setItem(KEY, JSON.stringify({ axis: p.axis, shown: p.shown }));
        } catch {
          // quota or privacy mode: kept for this session
        }
      },
    ),
  );
  prefs = p;
  return p;
}

/** Forget the loaded prefs (tests). */
export function resetChartPrefs(): void {
  prefs = null;
}
