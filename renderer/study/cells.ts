/**
 * The study's cells as the view sees them: the filter (values of each axis
 * hidden by the user), each cell's baseline (the `iommufd` cell of the same
 * domains × backing × size × operation) and the two ratios the study is for:
 * wall time ÷ iommufd and wall time ÷ the floor loop of the same run.
 */
import type { StudyCell, StudyFile } from '../../engine/scenario/study-file/format';

export type AxisKey = 'strategy' | 'backing' | 'size' | 'operation' | 'domains';
export type AxisValue = string | number;

export const AXES: readonly AxisKey[] = ['strategy', 'operation', 'backing', 'size', 'domains'];

/** Values of each axis the user has hidden (empty = everything shown). */
export type Hidden = Record<AxisKey, AxisValue[]>;

export function noneHidden(): Hidden {
  return { strategy: [], backing: [], size: [], operation: [], domains: [] };
}

export function axisOf(c: StudyCell, k: AxisKey): AxisValue {
  return c[k];
}

/**
 * The values of an axis in the file's order (`axes`), then any a cell has
 * that the axes do not list (a hand-edited file), so no cell is unreachable.
 */
export function axisValues(f: StudyFile, k: AxisKey): AxisValue[] {
  const listed: readonly AxisValue[] =
    k === 'strategy'
      ? f.axes.strategies
      : k === 'backing'
        ? f.axes.backings
        : k === 'size'
          ? f.axes.sizes
          : k === 'operation'
            ? f.axes.operations
            : f.axes.domains;
  const out = [...listed];
  for (const c of f.cells) {
    const v = axisOf(c, k);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

export function isShown(c: StudyCell, hidden: Hidden): boolean {
  for (const k of AXES) if (hidden[k].includes(axisOf(c, k))) return false;
  return true;
}

/** A cell and what the view derives from it. */
export interface CellView {
  /** Index in the file (a stable key and the default order). */
  index: number;
  cell: StudyCell;
  /** wallMs ÷ the iommufd cell's wallMs; null without an ok iommufd cell or for a cell not ok. */
  vsIommufd: number | null;
  /** wallMs ÷ floorMs; null when not ok or the floor is 0. */
  vsFloor: number | null;
}

const baseKey = (c: StudyCell): string => `${c.domains}|${c.backing}|${c.size}|${c.operation}`;

/** Every cell with its ratios (baselines looked up once: O(cells)). */
export function cellViews(f: StudyFile): CellView[] {
  const base = new Map<string, StudyCell>();
  for (const c of f.cells) if (c.strategy === 'iommufd' && c.status === 'ok') base.set(baseKey(c), c);
  return f.cells.map((cell, index) => {
    const ok = cell.status === 'ok';
    const b = base.get(baseKey(cell));
    return {
      index,
      cell,
      vsIommufd: ok && b && b.wallMs > 0 ? cell.wallMs / b.wallMs : null,
      vsFloor: ok && cell.floorMs > 0 ? cell.wallMs / cell.floorMs : null,
    };
  });
}

export function shownViews(all: readonly CellView[], hidden: Hidden): CellView[] {
  return all.filter((v) => isShown(v.cell, hidden));
}

export interface StatusCounts {
  ok: number;
  skipped: number;
  error: number;
}

export function statusCounts(cells: readonly StudyCell[]): StatusCounts {
  const n: StatusCounts = { ok: 0, skipped: 0, error: 0 };
  for (const c of cells) n[c.status]++;
  return n;
}
