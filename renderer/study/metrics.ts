/**
 * What the chart can show of a cell: the two ratios, wall time, and the
 * counters the study is about (map calls, pins, iova-to-phys calls, PTE
 * writes, …). A metric's value is null for a cell that has none (skipped,
 * error, no iommufd baseline).
 */
import type { CellView } from './cells';

export type MetricUnit = 'ratio' | 'ms' | 'count' | 'bytes';

export type MetricId =
  | 'vs-iommufd'
  | 'vs-floor'
  | 'wall'
  | 'map-calls'
  | 'unmap-calls'
  | 'pin-calls'
  | 'pages-pinned'
  | 'iova-to-phys'
  | 'pte-writes'
  | 'read-pfns'
  | 'map-pfn-list'
  | 'temp-peak'
  | 'engine-bytes';

export interface MetricDef {
  id: MetricId;
  label: string;
  unit: MetricUnit;
  value(v: CellView): number | null;
  /** The reference line of a ratio (1× = iommufd, 1× = the floor). */
  reference?: string;
}

const okOnly =
  (get: (v: CellView) => number) =>
  (v: CellView): number | null =>
    v.cell.status === 'ok' ? get(v) : null;

export const METRICS: readonly MetricDef[] = [
  {
    id: 'vs-iommufd',
    label: 'Wall time ÷ iommufd',
    unit: 'ratio',
    value: (v) => v.vsIommufd,
    reference: 'iommufd',
  },
  { id: 'vs-floor', label: 'Wall time ÷ floor', unit: 'ratio', value: (v) => v.vsFloor, reference: 'floor' },
  { id: 'wall', label: 'Wall time', unit: 'ms', value: okOnly((v) => v.cell.wallMs) },
  {
    id: 'map-calls',
    label: 'IOMMU map calls',
    unit: 'count',
    value: okOnly((v) => v.cell.counters.iommuMapCalls),
  },
  {
    id: 'unmap-calls',
    label: 'IOMMU unmap calls',
    unit: 'count',
    value: okOnly((v) => v.cell.counters.iommuUnmapCalls),
  },
  { id: 'pin-calls', label: 'Pin calls', unit: 'count', value: okOnly((v) => v.cell.counters.pinCalls) },
  {
    id: 'pages-pinned',
    label: 'Pages pinned',
    unit: 'count',
    value: okOnly((v) => v.cell.counters.pagesPinned),
  },
  {
    id: 'iova-to-phys',
    label: 'iova_to_phys calls',
    unit: 'count',
    value: okOnly((v) => v.cell.counters.iovaToPhysCalls),
  },
  { id: 'pte-writes', label: 'PTE writes', unit: 'count', value: okOnly((v) => v.cell.counters.pteWrites) },
  {
    id: 'read-pfns',
    label: 'readPfns calls',
    unit: 'count',
    value: okOnly((v) => v.cell.counters.readPfnsCalls),
  },
  {
    id: 'map-pfn-list',
    label: 'mapPfnList calls',
    unit: 'count',
    value: okOnly((v) => v.cell.counters.mapPfnListCalls),
  },
  {
    id: 'temp-peak',
    label: 'Temporary memory peak',
    unit: 'bytes',
    value: okOnly((v) => v.cell.tempMemoryPeakBytes),
  },
  {
    id: 'engine-bytes',
    label: 'Engine memory after',
    unit: 'bytes',
    value: okOnly((v) => v.cell.engineBytes),
  },
];

export function metricOf(id: MetricId): MetricDef {
  return METRICS.find((m) => m.id === id) ?? (METRICS[0] as MetricDef);
}

export function isMetricId(v: unknown): v is MetricId {
  return METRICS.some((m) => m.id === v);
}
