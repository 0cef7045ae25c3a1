/** The study's header: what ran, where, when, how many cells. */
import type { StudyFile } from '../../engine/scenario/study-file/format';
import { runTime } from '../charts/format';
import { statusCounts } from './cells';

export interface HeaderItem {
  label: string;
  value: string;
  /** A longer form for the tooltip. */
  title?: string;
}

/** "2026-12-02 05:12 UTC" from an ISO time; the text as it is when it is not one. */
export function whenText(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function headerItems(f: StudyFile): HeaderItem[] {
  const n = { ...statusCounts(f.cells), warned: f.cells.filter((c) => c.warnings?.length).length };
  const m = f.machine;
  const parts = [`${n.ok} ok`];
  if (n.skipped) parts.push(`${n.skipped} skipped`);
  if (n.error) parts.push(`${n.error} error${n.error === 1 ? '' : 's'}`);
  return [
    {
      label: 'Machine',
      value: `${m.cpuModel} · ${m.cpus} CPUs`,
      title: `${m.cpuModel}, ${m.cpus} CPUs, ${m.workers} workers, Node ${m.node}, ${m.platform}`,
    },
    { label: 'Mode', value: f.mode },
    { label: 'Engine', value: f.engineVersion },
    { label: 'Cells', value: `${f.cells.length} (${parts.join(', ')})` },
    { label: 'Ran', value: whenText(f.createdAt), title: `${f.createdAt}, ${m.workers} workers` },
    { label: 'Took', value: runTime(f.wallMs) },
    ...(f.timeLimitMs !== undefined ? [{ label: 'Limit', value: `${runTime(f.timeLimitMs)} a cell` }] : []),
    ...(n.warned ? [{ label: 'Warnings', value: `${n.warned} cell${n.warned === 1 ? '' : 's'} ⚠` }] : []),
  ];
}
