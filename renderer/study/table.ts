/**
 * The cells table: its columns (label, sort value, text, CSV value) and the
 * sort. Missing values (a skipped cell's ratios) sort last either way.
 * The CSV export (csv.ts) writes the same columns and rows.
 */
import type { CellView } from './cells';
import { metricText, ratio, sizeText } from './format';

export type ColumnId =
  | 'strategy'
  | 'operation'
  | 'backing'
  | 'size'
  | 'domains'
  | 'status'
  | 'wall'
  | 'floor'
  | 'vsFloor'
  | 'vsIommufd'
  | 'mapCalls'
  | 'unmapCalls'
  | 'iovaToPhys'
  | 'pteWrites'
  | 'pinCalls'
  | 'pagesPinned'
  | 'tempPeak'
  | 'engineBytes'
  | 'reason'
  | 'warnings';

export interface Column {
  id: ColumnId;
  label: string;
  numeric: boolean;
  /** Sort key; null = missing (last). */
  key(v: CellView): number | string | null;
  text(v: CellView): string;
  /** The CSV's value: exact numbers, no units. */
  csv(v: CellView): string;
}

const ok = (v: CellView): boolean => v.cell.status === 'ok';

function num(
  id: ColumnId,
  label: string,
  get: (v: CellView) => number,
  unit: 'ms' | 'count' | 'bytes',
): Column {
  return {
    id,
    label,
    numeric: true,
    key: (v) => (ok(v) ? get(v) : null),
    text: (v) => (ok(v) ? metricText(get(v), unit) : ''),
    csv: (v) => (ok(v) ? String(get(v)) : ''),
  };
}

function ratioCol(id: ColumnId, label: string, get: (v: CellView) => number | null): Column {
  return {
    id,
    label,
    numeric: true,
    key: get,
    text: (v) => {
      const r = get(v);
      return r === null ? '' : ratio(r);
    },
    csv: (v) => {
      const r = get(v);
      return r === null ? '' : r.toPrecision(4);
    },
  };
}

function textCol(id: ColumnId, label: string, get: (v: CellView) => string): Column {
  return { id, label, numeric: false, key: get, text: get, csv: get };
}

export const COLUMNS: readonly Column[] = [
  textCol('strategy', 'Strategy', (v) => v.cell.strategy),
  textCol('operation', 'Operation', (v) => v.cell.operation),
  textCol('backing', 'Backing', (v) => v.cell.backing),
  {
    id: 'size',
    label: 'Size',
    numeric: true,
    key: (v) => v.cell.size,
    text: (v) => sizeText(v.cell.size),
    csv: (v) => String(v.cell.size),
  },
  {
    id: 'domains',
    label: 'Domains',
    numeric: true,
    key: (v) => v.cell.domains,
    text: (v) => String(v.cell.domains),
    csv: (v) => String(v.cell.domains),
  },
  {
    id: 'status',
    label: 'Status',
    numeric: false,
    key: (v) => v.cell.status,
    // ⚠: the cell's machine leaked after its sequence (the figures are suspect; the row's tooltip says what)
    text: (v) => (v.cell.warnings?.length ? `${v.cell.status} ⚠` : v.cell.status),
    csv: (v) => v.cell.status,
  },
  num('wall', 'Wall', (v) => v.cell.wallMs, 'ms'),
  num('floor', 'Floor', (v) => v.cell.floorMs, 'ms'),
  ratioCol('vsFloor', '÷ floor', (v) => v.vsFloor),
  ratioCol('vsIommufd', '÷ iommufd', (v) => v.vsIommufd),
  num('mapCalls', 'Map calls', (v) => v.cell.counters.iommuMapCalls, 'count'),
  num('unmapCalls', 'Unmap calls', (v) => v.cell.counters.iommuUnmapCalls, 'count'),
  num('iovaToPhys', 'iova→phys', (v) => v.cell.counters.iovaToPhysCalls, 'count'),
  num('pteWrites', 'PTE writes', (v) => v.cell.counters.pteWrites, 'count'),
  num('pinCalls', 'Pin calls', (v) => v.cell.counters.pinCalls, 'count'),
  num('pagesPinned', 'Pages pinned', (v) => v.cell.counters.pagesPinned, 'count'),
  num('tempPeak', 'Temp peak', (v) => v.cell.tempMemoryPeakBytes, 'bytes'),
  num('engineBytes', 'Engine mem', (v) => v.cell.engineBytes, 'bytes'),
  textCol('reason', 'Reason', (v) => v.cell.reason ?? ''),
  textCol('warnings', 'Warnings', (v) => (v.cell.warnings ?? []).join('; ')),
];

export function columnOf(id: ColumnId): Column | undefined {
  return COLUMNS.find((c) => c.id === id);
}

export function isColumnId(v: unknown): v is ColumnId {
  return COLUMNS.some((c) => c.id === v);
}

export interface Sort {
  column: ColumnId | null;
  desc: boolean;
}

/** Rows in the order shown: the file's order, or by a column (stable; missing last). */
export function sortViews(views: readonly CellView[], sort: Sort): CellView[] {
  const col = sort.column === null ? undefined : columnOf(sort.column);
  if (!col) return views.slice();
  const dir = sort.desc ? -1 : 1;
  return views.slice().sort((a, b) => {
    const ka = col.key(a);
    const kb = col.key(b);
    if (ka === null || kb === null || ka === '' || kb === '') {
      const ma = ka === null || ka === '';
      const mb = kb === null || kb === '';
      if (ma !== mb) return ma ? 1 : -1;
      return a.index - b.index;
    }
    const c =
      typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
    return c !== 0 ? c * dir : a.index - b.index;
  });
}

/** A click on a header: sort by it ascending, again descending, a third time back to the file's order. */
export function nextSort(cur: Sort, column: ColumnId): Sort {
  if (cur.column !== column) return { column, desc: false };
  if (!cur.desc) return { column, desc: true };
  return { column: null, desc: false };
}
