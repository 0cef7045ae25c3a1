/**
 * What the charts show (series, x axis): one module-level reactive object so
 * that it survives the tab being closed and reopened, saved under its own
 * localStorage key (the settings store belongs to the shell).
 */
import { effectScope, reactive, watch } from 'vue';
import { loadText, parseRecord, saveJson } from '../stores/local-storage';
import type { XAxis } from './series-build';
import { DEFAULT_SHOWN, SERIES, type SeriesName } from './series-defs';

const KEY = 'pfnlab.charts.v1';

export interface ChartPrefs {
  shown: SeriesName[];
  axis: XAxis;
}

export function parsePrefs(text: string | null): ChartPrefs {
  const out: ChartPrefs = { shown: [...DEFAULT_SHOWN], axis: 'seq' };
  const r = parseRecord(text);
  if (r === null) return out;
  if (r.axis === 'seq' || r.axis === 'time') out.axis = r.axis;
  if (Array.isArray(r.shown)) {
    const known = new Set<string>(SERIES.map((s) => s.name));
    out.shown = r.shown.filter((n): n is SeriesName => typeof n === 'string' && known.has(n));
  }
  return out;
}

let prefs: ChartPrefs | null = null;

export function useChartPrefs(): ChartPrefs {
  if (prefs) return prefs;
  const p = reactive(parsePrefs(loadText(KEY)));
  // a detached scope: the first panel to ask must not take the saving watcher with it when it unmounts
  effectScope(true).run(() =>
    watch(
      () => [p.axis, [...p.shown]] as const,
      () => {
        saveJson(KEY, { axis: p.axis, shown: p.shown });
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
