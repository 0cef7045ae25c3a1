/**
 * Per-event counters as CSV: one row per API call with its sequence number,
 * op, scenario line, errno, start and duration (ms), then the delta of every
 * counter. Opens in any spreadsheet; sums of a column are the run's totals.
 * One writer for `pfnlab run --csv`, `pfnlab show --csv` and the app's export.
 */
import { COUNTER_NAMES } from '../../base/counters';
import type { ExportableRun } from './types';

function cell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(result: Pick<ExportableRun, 'timeline'>): string {
  const head = ['seq', 'op', 'target', 'line', 'errno', 't_ms', 'dur_ms', ...COUNTER_NAMES];
  const rows = [head.join(',')];
  for (const e of result.timeline.events) {
    const r: Array<string | number> = [e.seq, e.op, e.target, e.line, e.errno ?? '', e.t, e.dur];
    for (const n of COUNTER_NAMES) r.push(e.deltas[n] ?? 0);
    rows.push(r.map(cell).join(','));
  }
  return rows.join('\n') + '\n';
}
