/**
 * The series the charts can show: each is a counter (or a difference of two
 * counters) accumulated from the events' deltas, or a state read from the
 * step digests (table bytes). Grouped by unit so that one chart never mixes
 * call counts with bytes, and each group keeps a y-scale its series can use.
 */
import type { CounterName } from '../../engine/base/counters';
import { CHANGE_COLOR, HUGETLB_COLOR, THP_COLOR, TIER_COLORS } from '../theme/palette';

export type SeriesName =
  | 'pinnedNow'
  | 'pinCalls'
  | 'iommuMapCalls'
  | 'iommuUnmapCalls'
  | 'iovaToPhysCalls'
  | 'xarrayEntries'
  | 'pteWrites'
  | 'tableBytes'
  | 'engineBytes'
  | 'tempMemoryPeakBytes';

export type GroupName = 'pages' | 'calls' | 'memory';
export type Unit = 'count' | 'bytes';

/** One counter term of a series: value += sign × delta[counter]. */
export interface Term {
  counter: CounterName;
  sign: 1 | -1;
}

export interface SeriesDef {
  name: SeriesName;
  label: string;
  /** What the value means (tooltip of its checkbox). */
  help: string;
  group: GroupName;
  unit: Unit;
  color: string;
  /**
   * How the value moves: 'sum' adds the terms of each event's deltas,
   * 'peak' keeps the largest reported value (tempMemoryPeakBytes deltas carry
   * the new peak), 'digest' reads the state from the step digests.
   */
  kind: 'sum' | 'peak' | 'digest';
  terms: readonly Term[];
}

const c = (counter: CounterName, sign: 1 | -1 = 1): Term => ({ counter, sign });

export const SERIES: readonly SeriesDef[] = [
  {
    name: 'pinnedNow',
    label: 'pinned pages',
    help: 'pages pinned now: pagesPinned − pagesUnpinned',
    group: 'pages',
    unit: 'count',
    color: TIER_COLORS[2],
    kind: 'sum',
    terms: [c('pagesPinned'), c('pagesUnpinned', -1)],
  },
  {
    name: 'xarrayEntries',
    label: 'xarray entries',
    help: 'entries in the pinned_pfns xarrays now: xarrayStores − xarrayErases',
    group: 'pages',
    unit: 'count',
    color: TIER_COLORS[3],
    kind: 'sum',
    terms: [c('xarrayStores'), c('xarrayErases', -1)],
  },
  {
    name: 'pteWrites',
    label: 'PTE writes',
    help: 'page-table entries written so far (pteWrites)',
    group: 'pages',
    unit: 'count',
    color: THP_COLOR,
    kind: 'sum',
    terms: [c('pteWrites')],
  },
  {
    name: 'pinCalls',
    label: 'pin calls',
    help: 'pin_user_pages calls so far (pinCalls)',
    group: 'calls',
    unit: 'count',
    color: HUGETLB_COLOR,
    kind: 'sum',
    terms: [c('pinCalls')],
  },
  {
    name: 'iommuMapCalls',
    label: 'iommu_map',
    help: 'iommu_map calls so far (iommuMapCalls)',
    group: 'calls',
    unit: 'count',
    color: TIER_COLORS[1],
    kind: 'sum',
    terms: [c('iommuMapCalls')],
  },
  {
    name: 'iommuUnmapCalls',
    label: 'iommu_unmap',
    help: 'iommu_unmap calls so far (iommuUnmapCalls)',
    group: 'calls',
    unit: 'count',
    color: CHANGE_COLOR,
    kind: 'sum',
    terms: [c('iommuUnmapCalls')],
  },
  {
    name: 'iovaToPhysCalls',
    label: 'iova_to_phys',
    help: 'iommu_iova_to_phys calls so far (iovaToPhysCalls)',
    group: 'calls',
    unit: 'count',
    color: '#9aa5b1',
    kind: 'sum',
    terms: [c('iovaToPhysCalls')],
  },
  {
    name: 'tableBytes',
    label: 'table bytes',
    help: "bytes of the domains' page tables now (sum of the digests' domain stats.tableBytes)",
    group: 'memory',
    unit: 'bytes',
    color: '#4fb3a9',
    kind: 'digest',
    terms: [],
  },
  {
    name: 'engineBytes',
    label: 'engine memory',
    help:
      "bytes of the engine's own data structures for the live state now (xarray and interval-tree nodes, areas, " +
      "domains' and accesses' bookkeeping; not emulated RAM, frame metadata or page tables) — the digests' " +
      'engineBytes; 0 in a run saved by an older engine',
    group: 'memory',
    unit: 'bytes',
    color: '#e0a458',
    kind: 'digest',
    terms: [],
  },
  {
    name: 'tempMemoryPeakBytes',
    label: 'temp memory peak',
    help: 'largest temporary allocation so far (tempMemoryPeakBytes)',
    group: 'memory',
    unit: 'bytes',
    color: '#b8a1e3',
    kind: 'peak',
    terms: [c('tempMemoryPeakBytes')],
  },
];

export const GROUPS: readonly { name: GroupName; title: string; unit: Unit }[] = [
  { name: 'pages', title: 'Pages and entries', unit: 'count' },
  { name: 'calls', title: 'Calls', unit: 'count' },
  { name: 'memory', title: 'Memory', unit: 'bytes' },
];

export const DEFAULT_SHOWN: readonly SeriesName[] = [
  'pinnedNow',
  'xarrayEntries',
  'pinCalls',
  'iommuMapCalls',
  'iommuUnmapCalls',
  'tableBytes',
  'engineBytes',
  'tempMemoryPeakBytes',
];

/** Index of each series in SERIES (the builder's array order). */
export const SERIES_INDEX: Readonly<Record<SeriesName, number>> = Object.fromEntries(
  SERIES.map((s, i) => [s.name, i]),
) as Record<SeriesName, number>;
