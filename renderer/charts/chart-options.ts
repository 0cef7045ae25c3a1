/**
 * uPlot options of one line chart (pure: the wrapper passes uPlot's path
 * builders and hooks in). Dark theme from styles.css; every chart of the
 * panel gets the same y-axis width so that their plots line up under each
 * other and the synced cursors and the step line share one x.
 */
import type uPlot from 'uplot';
import { themeColors } from '../theme/colors';
import { compactCount, humanBytes, runTime } from './format';
import type { XAxis } from './series-build';
import type { Unit } from './series-defs';

/** Chart chrome of the current theme (theme/colors.ts): read when a chart is created. */
export const THEME = {
  get axis(): string {
    return themeColors.axis;
  },
  get grid(): string {
    return themeColors.grid;
  },
  get tick(): string {
    return themeColors.tick;
  },
  font: "11px 'DejaVu Sans Mono', 'JetBrains Mono', monospace",
  select: 'rgba(79, 179, 169, 0.18)',
  get point(): string {
    return themeColors.bg;
  },
};

/** CSS px of the y axis (values and gap): equal for every chart. */
export const Y_AXIS_SIZE = 62;
export const X_AXIS_SIZE = 26;
/** x axis of a chart above another: ticks and grid, no values (the bottom chart has them). */
export const X_AXIS_SIZE_BARE = 8;

export interface LineSeriesSpec {
  label: string;
  color: string;
}

export interface LineChartSpec {
  unit: Unit;
  axis: XAxis;
  series: readonly LineSeriesSpec[];
  width: number;
  height: number;
  /** Whether the x axis prints its values (only the bottom chart of a stack does). */
  xValues: boolean;
  /** Charts with the same key share the hover cursor and the drag selection. */
  syncKey: string;
}

export function yTick(unit: Unit, v: number): string {
  return unit === 'bytes' ? humanBytes(v) : compactCount(v);
}

export function xTick(axis: XAxis, v: number): string {
  return axis === 'seq' ? compactCount(v) : runTime(v);
}

/** y range: from 0 (or the lowest negative value) to a little above the top. */
export function yRange(min: number, max: number): [number, number] {
  const lo = Math.min(0, Number.isFinite(min) ? min : 0);
  let hi = Math.max(0, Number.isFinite(max) ? max : 0);
  if (hi === lo) hi = lo + 1;
  return [lo, hi + (hi - lo) * 0.06];
}

/** x range: exactly the data (a single point gets a unit-wide range). */
export function xRange(min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  return [min, max > min ? max : min + 1];
}

/** A colour with an alpha suffix: '#rrggbb' → '#rrggbbaa'. */
export function alpha(hex: string, a: number): string {
  return (
    hex +
    Math.round(Math.max(0, Math.min(1, a)) * 255)
      .toString(16)
      .padStart(2, '0')
  );
}

export function lineChartOptions(
  spec: LineChartSpec,
  paths: uPlot.Series.PathBuilder | undefined,
  hooks: uPlot.Hooks.Arrays,
): uPlot.Options {
  const axisCommon = {
    stroke: THEME.axis,
    font: THEME.font,
    grid: { stroke: THEME.grid, width: 1 },
    ticks: { stroke: THEME.tick, width: 1, size: 4 },
  };
  return {
    width: Math.max(1, Math.floor(spec.width)),
    height: Math.max(1, Math.floor(spec.height)),
    pxAlign: 1,
    legend: { show: false },
    padding: [8, 14, 0, 0],
    scales: {
      x: { time: false, range: (_u, min, max) => xRange(min, max) },
      y: { range: (_u, min, max) => yRange(min, max) },
    },
    series: [
      { label: spec.axis === 'seq' ? 'event' : 'time' },
      ...spec.series.map((s): uPlot.Series => ({
        label: s.label,
        stroke: s.color,
        // a fill only when alone: overlapping fills turn muddy
        ...(spec.series.length === 1 ? { fill: alpha(s.color, 0.1) } : {}),
        width: 1.5,
        points: { show: false },
        ...(paths ? { paths } : {}),
      })),
    ],
    axes: [
      {
        ...axisCommon,
        size: spec.xValues ? X_AXIS_SIZE : X_AXIS_SIZE_BARE,
        space: 70,
        values: (_u, splits) => splits.map((v) => (spec.xValues ? xTick(spec.axis, v) : '')),
      },
      {
        ...axisCommon,
        size: Y_AXIS_SIZE,
        space: 28,
        values: (_u, splits) => splits.map((v) => yTick(spec.unit, v)),
      },
    ],
    cursor: {
      y: false,
      drag: { x: true, y: false, setScale: false },
      sync: { key: spec.syncKey, setSeries: false },
      points: { size: 6, width: 1.5, fill: THEME.point },
      focus: { prox: -1 },
    },
    hooks,
  };
}
