/**
 * A short human description, group and unit of every engine counter
 * (engine/base/counters.ts). `satisfies` makes a new counter without a
 * description a type error.
 */
import type { CounterName } from '../../engine/base/counters';
import { formatBytes, formatCount } from './format';

export type CounterGroup = 'iommu' | 'mm' | 'iommufd' | 'engine';

export interface CounterInfo {
  group: CounterGroup;
  text: string;
  unit: 'count' | 'bytes';
  /** A peak, not a sum: its delta is the new peak value. */
  peak?: boolean;
}

export const COUNTER_INFO = {
  iommuMapCalls: { group: 'iommu', unit: 'count', text: 'iommu_map calls (one per contiguous run mapped, per domain)' },
  iommuUnmapCalls: { group: 'iommu', unit: 'count', text: 'iommu_unmap calls' },
  iovaToPhysCalls: { group: 'iommu', unit: 'count', text: 'iova_to_phys driver calls (reading PFNs back from a domain)' },
  ioPagesMapped: { group: 'iommu', unit: 'count', text: 'IO pages / leaves installed by the drivers' },
  ioPagesUnmapped: { group: 'iommu', unit: 'count', text: 'IO pages / leaves removed by the drivers' },
  pteWrites: { group: 'iommu', unit: 'count', text: 'page-table (or mock xarray) entry writes' },
  iotlbFlushes: { group: 'iommu', unit: 'count', text: 'IOTLB flushes (iotlb_sync)' },
  readPfnsCalls: { group: 'iommu', unit: 'count', text: 'batched read_pfns calls (proposed driver API)' },
  mapPfnListCalls: { group: 'iommu', unit: 'count', text: 'batched map_pfn_list calls (proposed driver API)' },
  pinCalls: { group: 'mm', unit: 'count', text: 'pin_user_pages calls' },
  pagesPinned: { group: 'mm', unit: 'count', text: 'pages long-term pinned (FOLL_LONGTERM)' },
  pagesUnpinned: { group: 'mm', unit: 'count', text: 'pages unpinned' },
  pageFaults: { group: 'mm', unit: 'count', text: 'page faults taken (pin or CPU access)' },
  cowBreaks: { group: 'mm', unit: 'count', text: 'copy-on-write breaks' },
  framesAllocated: { group: 'mm', unit: 'count', text: 'physical frames allocated' },
  framesFreed: { group: 'mm', unit: 'count', text: 'physical frames freed' },
  xarrayStores: { group: 'iommufd', unit: 'count', text: 'pinned_pfns xarray stores (access tier)' },
  xarrayErases: { group: 'iommufd', unit: 'count', text: 'pinned_pfns xarray erases' },
  batchRuns: { group: 'iommufd', unit: 'count', text: 'pfn_batch runs (contiguous PFN spans) built' },
  batchPfns: { group: 'iommufd', unit: 'count', text: 'PFNs added to pfn_batches' },
  rwBytes: { group: 'iommufd', unit: 'bytes', text: 'bytes copied by access rw (iopt_pages_rw_access)' },
  tempMemoryPeakBytes: { group: 'iommufd', unit: 'bytes', peak: true, text: 'peak temporary kernel memory (batches, page lists)' },
  faultsInjected: { group: 'engine', unit: 'count', text: 'faults injected (fail_nth)' },
  warnings: { group: 'engine', unit: 'count', text: 'driver / kernel WARNs raised' },
} as const satisfies Record<CounterName, CounterInfo>;

export const GROUP_NAMES: Record<CounterGroup, string> = {
  iommu: 'iommu core and drivers',
  mm: 'memory management',
  iommufd: 'iommufd',
  engine: 'engine',
};

export function counterInfo(name: CounterName): CounterInfo {
  return COUNTER_INFO[name];
}

/** A counter's value in its unit ("4 MiB", "1 024"). */
export function formatCounter(name: CounterName, v: number): string {
  return counterInfo(name).unit === 'bytes' ? formatBytes(v) : formatCount(v);
}

/** A delta with its sign ("+1 024", "−3", "+4 KiB"); a peak's delta reads "peak 4 KiB". */
export function formatDelta(name: CounterName, d: number | undefined): string {
  if (d === undefined || d === 0) return '';
  const info = counterInfo(name);
  if (info.peak) return `peak ${formatCounter(name, d)}`;
  const abs = formatCounter(name, Math.abs(d));
  return `${d > 0 ? '+' : '−'}${abs}`;
}
