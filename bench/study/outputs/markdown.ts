/**
 * The study as Markdown: a header (machine, mode, time), then one table per
 * operation, rows by backing, size, domains and strategy; skipped and failed
 * cells listed after each table with their reasons.
 */
import type { StudyCell, StudyFile, StudyOperation } from '../../../engine/scenario/study-file';
import { sizeLabel } from '../spec';
import { claimsMarkdown } from './claims';
import { summaryMarkdown } from './summary';
import { baselineKey, baselines, fmtBytes, fmtInt, fmtMs, fmtRatio, ratio } from './ratios';

export const MD_COLUMNS = [
  'strategy',
  'domains',
  'backing',
  'size',
  'wall ms',
  'floor ms',
  '× floor',
  '× iommufd',
  'map calls',
  'unmap calls',
  'iova→phys',
  'readPfns',
  'mapPfnList',
  'PTE writes',
  'pages pinned',
  'pages unpinned',
  'temp peak',
  'engine bytes',
] as const;

export function cellOrder(axes: StudyFile['axes']): (a: StudyCell, b: StudyCell) => number {
  const idx = <T>(list: readonly T[], v: T): number => list.indexOf(v);
  return (a, b) =>
    idx(axes.backings, a.backing) - idx(axes.backings, b.backing) ||
    a.size - b.size ||
    a.domains - b.domains ||
    idx(axes.strategies, a.strategy) - idx(axes.strategies, b.strategy);
}

/** One measured cell's values in MD_COLUMNS order (the Markdown and HTML tables share it). */
export function cellColumns(c: StudyCell, base: StudyCell | undefined): string[] {
  const k = c.counters;
  return [
    c.strategy,
    String(c.domains),
    c.backing,
    sizeLabel(c.size),
    fmtMs(c.wallMs),
    fmtMs(c.floorMs),
    fmtRatio(ratio(c.wallMs, c.floorMs)),
    c.strategy === 'iommufd' ? '1' : fmtRatio(base ? ratio(c.wallMs, base.wallMs) : null),
    fmtInt(k.iommuMapCalls),
    fmtInt(k.iommuUnmapCalls),
    fmtInt(k.iovaToPhysCalls),
    fmtInt(k.readPfnsCalls),
    fmtInt(k.mapPfnListCalls),
    fmtInt(k.pteWrites),
    fmtInt(k.pagesPinned),
    fmtInt(k.pagesUnpinned),
    fmtBytes(c.tempMemoryPeakBytes),
    fmtBytes(c.engineBytes),
  ];
}

/** Groups whose machine leaked, with what (each group once). */
export function leakyGroups(cells: readonly StudyCell[]): [string, string[]][] {
  const m = new Map<string, string[]>();
  for (const c of cells)
    if (c.warnings?.length)
      m.set(`${c.strategy} ${c.domains}d ${c.backing} ${sizeLabel(c.size)}`, c.warnings);
  return [...m];
}

export function studyMarkdown(f: StudyFile): string {
  const out: string[] = [];
  out.push(`# PFN Lab performance study (${f.mode})`, '');
  out.push(
    `${f.createdAt}, engine ${f.engineVersion}, ${f.machine.cpuModel} (${f.machine.cpus} CPUs, ${f.machine.workers} workers), ` +
      `Node ${f.machine.node}, ${f.machine.platform}. ${f.cells.length} cells in ${(f.wallMs / 1000).toFixed(1)} s.`,
    '',
  );
  for (const n of f.notes ?? []) out.push(`- ${n}`);
  if (f.notes?.length) out.push('');
  const sizes = [...new Set(f.cells.filter((c) => c.status === 'ok').map((c) => c.size))].sort(
    (a, b) => a - b,
  );
  const ds = [...new Set(f.cells.map((c) => c.domains))];
  for (const size of sizes) {
    const s = summaryMarkdown(f, size, ds.includes(4) ? 4 : Math.max(...ds));
    if (s) out.push('## Summary', '', s, '');
  }
  out.push("## The seed's claims, checked", '', claimsMarkdown(f), '');
  const leaky = leakyGroups(f.cells);
  if (leaky.length) {
    out.push('## Leaks after the sequence (teardownCheck)', '');
    for (const [label, w] of leaky) out.push(`- ${label}: ${w.join('; ')}`);
    out.push('');
  }
  const base = baselines(f.cells);
  const order = cellOrder(f.axes);
  for (const op of f.axes.operations as StudyOperation[]) {
    const cells = f.cells.filter((c) => c.operation === op).sort(order);
    const ok = cells.filter((c) => c.status === 'ok');
    out.push(`## ${op}`, '');
    if (ok.length) {
      out.push(`| ${MD_COLUMNS.join(' | ')} |`, `|${MD_COLUMNS.map(() => ' --- ').join('|')}|`);
      for (const c of ok) out.push(`| ${cellColumns(c, base.get(baselineKey(c))).join(' | ')} |`);
      out.push('');
    }
    const rest = cells.filter((c) => c.status !== 'ok');
    if (rest.length) {
      out.push(`Not measured (${rest.length}):`, '');
      const byReason = new Map<string, StudyCell[]>();
      for (const c of rest) {
        const r = `${c.status}: ${c.reason ?? ''}`;
        byReason.set(r, [...(byReason.get(r) ?? []), c]);
      }
      for (const [r, cs] of byReason)
        out.push(
          `- ${r} — ${cs.length > 6 ? `${cs.length} cells` : cs.map((c) => `${c.strategy} ${c.domains}d ${c.backing} ${sizeLabel(c.size)}`).join('; ')}`,
        );
      out.push('');
    }
  }
  return out.join('\n');
}
