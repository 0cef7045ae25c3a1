/**
 * A small study result built by hand (format.ts), for the tests and the e2e
 * fixture (fixtures/small.pfnstudy.json is this, written out; a test keeps
 * them equal). Numbers are made up but shaped like the real sweep: naive
 * pays per page and per domain, type1 reads PFNs back on unmap, THP needs
 * 512× fewer map calls than fragmented 4 KiB.
 */
import type {
  StudyBacking,
  StudyCell,
  StudyFile,
  StudyOperation,
  StudyStrategy,
} from '../../engine/scenario/study-file/format';

const MiB = 1024 * 1024;
const STRATEGIES: StudyStrategy[] = ['iommufd', 'iommufd+batch-api', 'naive', 'vfio-type1'];
const BACKINGS: StudyBacking[] = ['frag-4k', 'thp', 'hugetlb-1g'];
const OPERATIONS: StudyOperation[] = ['map', 'unmap'];
const DOMAINS = [1, 4];
const SIZE = 64 * MiB;

const SLOW: Record<StudyStrategy, number> = {
  iommufd: 1,
  'iommufd+batch-api': 0.6,
  naive: 3.5,
  'vfio-type1': 1.8,
};

export function fixtureCell(
  strategy: StudyStrategy,
  backing: StudyBacking,
  operation: StudyOperation,
  domains: number,
): StudyCell {
  const pages = SIZE / 4096;
  const runs = backing === 'thp' ? pages / 512 : pages;
  const perDomain = strategy === 'naive' ? pages : runs;
  const floorMs = 0.08 * domains;
  const wallMs = floorMs * (backing === 'thp' ? 12 : 90) * SLOW[strategy] * (operation === 'unmap' ? 0.7 : 1);
  const map = operation === 'map';
  const cell: StudyCell = {
    strategy,
    domains,
    backing,
    size: SIZE,
    operation,
    status: 'ok',
    wallMs: Math.round(wallMs * 1000) / 1000,
    floorMs,
    repeats: 5,
    counters: {
      iommuMapCalls: map ? perDomain * domains : 0,
      iommuUnmapCalls: map ? 0 : perDomain * domains,
      iovaToPhysCalls: !map && strategy === 'vfio-type1' ? pages : 0,
      pteWrites: pages * domains,
      pinCalls: map ? (strategy === 'naive' ? pages * domains : runs) : 0,
      pagesPinned: map ? (strategy === 'naive' ? pages * domains : pages) : 0,
      pagesUnpinned: map ? 0 : strategy === 'naive' ? pages * domains : pages,
      readPfnsCalls: strategy === 'iommufd+batch-api' ? domains : 0,
      mapPfnListCalls: strategy === 'iommufd+batch-api' && map ? domains : 0,
    },
    tempMemoryPeakBytes: 4096 * (strategy === 'naive' ? 1 : 64),
    engineBytes: 20_000 + runs * (strategy === 'naive' ? 64 * domains : 16),
  };
  if (backing === 'hugetlb-1g') {
    return {
      ...cell,
      status: 'skipped',
      reason: '1 GiB hugetlb needs a 1 GiB-aligned size (64 MiB asked)',
      wallMs: 0,
      floorMs: 0,
      repeats: 0,
      counters: Object.fromEntries(
        Object.keys(cell.counters).map((k) => [k, 0]),
      ) as unknown as StudyCell['counters'],
      tempMemoryPeakBytes: 0,
      engineBytes: 0,
    };
  }
  return cell;
}

/** 4 strategies × 3 backings × 2 operations × 2 domain counts = 48 cells (16 skipped: 1 GiB hugetlb; 1 error). */
export function studyFixture(): StudyFile {
  const cells: StudyCell[] = [];
  for (const operation of OPERATIONS)
    for (const backing of BACKINGS)
      for (const domains of DOMAINS)
        for (const strategy of STRATEGIES) cells.push(fixtureCell(strategy, backing, operation, domains));
  // one cell that failed
  const bad = cells.findIndex(
    (c) => c.strategy === 'vfio-type1' && c.operation === 'unmap' && c.backing === 'thp' && c.domains === 4,
  );
  cells[bad] = {
    ...(cells[bad] as StudyCell),
    status: 'error',
    reason: 'ENOMEM: out of emulated RAM at 48 MiB',
  };
  // one cell whose machine leaked (its figures are not to be trusted as they stand)
  const leaky = cells.findIndex(
    (c) => c.strategy === 'naive' && c.operation === 'unmap' && c.backing === 'frag-4k' && c.domains === 4,
  );
  cells[leaky] = { ...(cells[leaky] as StudyCell), warnings: ['2 frames still pinned after the last unmap'] };
  return {
    format: 'pfnlab-study',
    version: 1,
    createdAt: '2026-12-02T05:12:30.000Z',
    engineVersion: '0.9.0',
    mode: 'quick',
    machine: { cpus: 2, cpuModel: 'Test CPU @ 2.0GHz', node: 'v20.18.0', platform: 'linux x64', workers: 2 },
    axes: {
      strategies: STRATEGIES,
      domains: DOMAINS,
      backings: BACKINGS,
      sizes: [SIZE],
      operations: OPERATIONS,
    },
    cells,
    wallMs: 41_250,
    timeLimitMs: 120_000,
    notes: ['Hand-made test fixture: the numbers are invented, shaped like a real sweep.'],
  };
}
