/** The study as CSV: one row per cell, every field, ratios included; RFC 4180 quoting. */
import type { StudyFile } from '../../../engine/scenario/study-file';
import { baselineKey, baselines, ratio } from './ratios';

export const CSV_HEADER = [
  'strategy',
  'domains',
  'backing',
  'size',
  'operation',
  'status',
  'reason',
  'wallMs',
  'floorMs',
  'ratioFloor',
  'ratioIommufd',
  'repeats',
  'iommuMapCalls',
  'iommuUnmapCalls',
  'iovaToPhysCalls',
  'pteWrites',
  'pinCalls',
  'pagesPinned',
  'pagesUnpinned',
  'readPfnsCalls',
  'mapPfnListCalls',
  'ioPagesMapped',
  'ioPagesUnmapped',
  'tempMemoryPeakBytes',
  'engineBytes',
  'pages',
  'physRuns',
  'physicalMemory',
] as const;

function q(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function studyCsv(f: StudyFile): string {
  const base = baselines(f.cells);
  const lines = [CSV_HEADER.join(',')];
  for (const c of f.cells) {
    const b = base.get(baselineKey(c));
    const ok = c.status === 'ok';
    const k = c.counters;
    lines.push(
      [
        c.strategy,
        c.domains,
        c.backing,
        c.size,
        c.operation,
        c.status,
        c.reason,
        ok ? c.wallMs.toFixed(4) : '',
        ok ? c.floorMs.toFixed(4) : '',
        ok ? ratio(c.wallMs, c.floorMs)?.toFixed(3) : '',
        ok && b ? ratio(c.wallMs, b.wallMs)?.toFixed(3) : '',
        c.repeats,
        k.iommuMapCalls,
        k.iommuUnmapCalls,
        k.iovaToPhysCalls,
        k.pteWrites,
        k.pinCalls,
        k.pagesPinned,
        k.pagesUnpinned,
        k.readPfnsCalls,
        k.mapPfnListCalls,
        k.ioPagesMapped,
        k.ioPagesUnmapped,
        c.tempMemoryPeakBytes,
        c.engineBytes,
        c.pages,
        c.physRuns,
        c.machineOptions?.physicalMemory,
      ]
        .map(q)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
