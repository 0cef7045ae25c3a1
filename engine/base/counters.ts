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

/**
 * A literal, not a loop of `c[name] = 0`: an object grown by that many keyed
 * stores goes to V8's dictionary mode, and every `counters.x++` of the engine
 * becomes a hash lookup (µs for a 24-field read once SES lockdown has run).
 */
export function newCounters(): Counters {
  return {
    iommuMapCalls: 0,
    iommuUnmapCalls: 0,
    iovaToPhysCalls: 0,
    ioPagesMapped: 0,
    ioPagesUnmapped: 0,
    pteWrites: 0,
    iotlbFlushes: 0,
    readPfnsCalls: 0,
    mapPfnListCalls: 0,
    pinCalls: 0,
    pagesPinned: 0,
    pagesUnpinned: 0,
    pageFaults: 0,
    cowBreaks: 0,
    framesAllocated: 0,
    framesFreed: 0,
    xarrayStores: 0,
    xarrayErases: 0,
    batchRuns: 0,
    batchPfns: 0,
    rwBytes: 0,
    tempMemoryPeakBytes: 0,
    faultsInjected: 0,
    warnings: 0,
  };
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

/**
 * Every counter into `out`, in COUNTER_NAMES order, by named field reads: a
 * loop of `c[name]` is a keyed load per field, ~0.4 µs for the 24 and over
 * 5 µs once SES lockdown has run, paid twice by every lab call.
 */
export function readCounters(c: Counters, out: Float64Array): void {
  out[0] = c.iommuMapCalls;
  out[1] = c.iommuUnmapCalls;
  out[2] = c.iovaToPhysCalls;
  out[3] = c.ioPagesMapped;
  out[4] = c.ioPagesUnmapped;
  out[5] = c.pteWrites;
  out[6] = c.iotlbFlushes;
  out[7] = c.readPfnsCalls;
  out[8] = c.mapPfnListCalls;
  out[9] = c.pinCalls;
  out[10] = c.pagesPinned;
  out[11] = c.pagesUnpinned;
  out[12] = c.pageFaults;
  out[13] = c.cowBreaks;
  out[14] = c.framesAllocated;
  out[15] = c.framesFreed;
  out[16] = c.xarrayStores;
  out[17] = c.xarrayErases;
  out[18] = c.batchRuns;
  out[19] = c.batchPfns;
  out[20] = c.rwBytes;
  out[21] = c.tempMemoryPeakBytes;
  out[22] = c.faultsInjected;
  out[23] = c.warnings;
}
