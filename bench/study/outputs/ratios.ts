/** Ratios the reports print: a cell against the floor and against 'iommufd' in the same position. */
import type { StudyCell } from '../../../engine/scenario/study-file';

export function baselineKey(c: StudyCell): string {
  return `${c.domains}|${c.backing}|${c.size}|${c.operation}`;
}

/** The 'iommufd' cell of each position, for the ×iommufd column. */
export function baselines(cells: readonly StudyCell[]): Map<string, StudyCell> {
  const m = new Map<string, StudyCell>();
  for (const c of cells) if (c.strategy === 'iommufd' && c.status === 'ok') m.set(baselineKey(c), c);
  return m;
}

export function ratio(a: number, b: number): number | null {
  return b > 0 && Number.isFinite(a / b) ? a / b : null;
}

export function fmtRatio(r: number | null): string {
  if (r === null) return '';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

export function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

export function fmtBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (b >= 2 ** 10) return `${(b / 2 ** 10).toFixed(1)} KiB`;
  return `${b} B`;
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
