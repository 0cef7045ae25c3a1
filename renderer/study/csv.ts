/** The cells table as CSV (RFC 4180: comma, CRLF, quotes doubled): the shown rows in the shown order. */
import type { CellView } from './cells';
import { COLUMNS, type ColumnId } from './table';

/** CSV column names: the file's own names, with units where the table shows them. */
const HEAD: Record<ColumnId, string> = {
  strategy: 'strategy',
  operation: 'operation',
  backing: 'backing',
  size: 'sizeBytes',
  domains: 'domains',
  status: 'status',
  wall: 'wallMs',
  floor: 'floorMs',
  vsFloor: 'ratioToFloor',
  vsIommufd: 'ratioToIommufd',
  mapCalls: 'iommuMapCalls',
  unmapCalls: 'iommuUnmapCalls',
  iovaToPhys: 'iovaToPhysCalls',
  pteWrites: 'pteWrites',
  pinCalls: 'pinCalls',
  pagesPinned: 'pagesPinned',
  tempPeak: 'tempMemoryPeakBytes',
  engineBytes: 'engineBytes',
  reason: 'reason',
  warnings: 'warnings',
};

function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tableCsv(rows: readonly CellView[]): string {
  const head = COLUMNS.map((c) => HEAD[c.id]).join(',');
  const body = rows.map((r) => COLUMNS.map((c) => field(c.csv(r))).join(','));
  return [head, ...body].join('\r\n') + '\r\n';
}

/** "quick-2026-12-02.pfnstudy.json" → "quick-2026-12-02.csv" */
export function csvName(studyName: string): string {
  const base = studyName.replace(/\.pfnstudy\.json$|\.json$/i, '') || 'study';
  return `${base}.csv`;
}
