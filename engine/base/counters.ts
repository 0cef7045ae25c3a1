/**
 * Cumulative work counters of one emulated machine. One plain object with a
 * fixed shape so that `counters.x++` stays a monomorphic field increment in
 * hot loops. Names are part of the scenario API (SCENARIO-API.md, Counters).
 */
export const COUNTER_NAMES = [
  // iommu core and drivers
  'iommuMapCalls',
  'iommuUnmapCalls',
  'iovaToPhysCalls',
  'ioPagesMapped',
  'ioPagesUnmapped',
  'pteWrites',
  'iotlbFlushes',
  'readPfnsCalls',
  'mapPfnListCalls',
  // mm
  'pinCalls',
  'pagesPinned',
  'pagesUnpinned',
  'pageFaults',
  'cowBreaks',
  'framesAllocated',
  'framesFreed',
  // iommufd
  'xarrayStores',
  'xarrayErases',
  'batchRuns',
  'batchPfns',
  'rwBytes',
  'tempMemoryPeakBytes',
  // engine
  'faultsInjected',
  'warnings',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];
export type Counters = Record<CounterName, number>;

export function newCounters(): Counters {
  const c = {} as Counters;
  for (const name of COUNTER_NAMES) c[name] = 0;
  return c;
}

export function snapshotCounters(c: Counters): Counters {
  return { ...c };
}

/** after - before, field by field (peaks report the later value). */
export function diffCounters(after: Counters, before: Counters): Counters {
  const d = newCounters();
  for (const name of COUNTER_NAMES) {
    d[name] = name === 'tempMemoryPeakBytes' ? after[name] : after[name] - before[name];
  }
  return d;
}
