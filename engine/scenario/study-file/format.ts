/**
 * The study result file (`pfnlab-study` version 1): what `npm run bench --
 * study` and `pfnlab bench` write as JSON and what the app opens and charts.
 * One cell per strategy × domains × backing × size × operation. Pure types;
 * the validating reader is `parse.ts`.
 */

/** Storage strategies behind `lab.configure({ strategy })` (SCENARIO-API-ADDITIONS.md). */
export type StudyStrategy = 'iommufd' | 'iommufd+batch-api' | 'naive' | 'vfio-type1';

/** Backings: synthetic ones, or `layout:<name>` for a captured real layout. */
export type StudyBacking = 'frag-4k' | 'contig-4k' | 'thp' | 'hugetlb-2m' | 'hugetlb-1g' | `layout:${string}`;

export type StudyOperation = 'map' | 'attach' | 'access-pin' | 'unmap' | 'detach-last';

export const STUDY_FILE_FORMAT = 'pfnlab-study';
export const STUDY_FILE_VERSION = 1;
export const STUDY_STRATEGIES: readonly StudyStrategy[] = [
  'iommufd',
  'iommufd+batch-api',
  'naive',
  'vfio-type1',
];
export const STUDY_SYNTHETIC_BACKINGS = ['frag-4k', 'contig-4k', 'thp', 'hugetlb-2m', 'hugetlb-1g'] as const;
export const STUDY_OPERATIONS: readonly StudyOperation[] = [
  'map',
  'attach',
  'access-pin',
  'unmap',
  'detach-last',
];
export const STUDY_CELL_STATUSES = ['ok', 'skipped', 'error'] as const;

export interface StudyCellCounters {
  iommuMapCalls: number;
  iommuUnmapCalls: number;
  iovaToPhysCalls: number;
  pteWrites: number;
  pinCalls: number;
  pagesPinned: number;
  pagesUnpinned: number;
  readPfnsCalls: number;
  mapPfnListCalls: number;
  /** Added after the first draft: optional so older files still read. IO pages (any size) mapped / unmapped. */
  ioPagesMapped?: number;
  ioPagesUnmapped?: number;
}

/** The emulated machine a cell ran on (sized so the cell fits). */
export interface StudyMachineOptions {
  physicalMemory: number;
  fragmentation: number;
  hugetlbPages2M: number;
  hugetlbPages1G: number;
}

export interface StudyCell {
  strategy: StudyStrategy;
  domains: number;
  backing: StudyBacking;
  /** Bytes mapped. */
  size: number;
  operation: StudyOperation;
  status: 'ok' | 'skipped' | 'error';
  /** Why skipped (e.g. "1 GiB hugetlb needs a 1 GiB-aligned size") or the error. */
  reason?: string;
  /** Wall time of the operation alone, ms (median of `repeats`). */
  wallMs: number;
  /** The floor loop (copy the same PFNs once per domain between typed arrays), same process and run, ms. */
  floorMs: number;
  repeats: number;
  counters: StudyCellCounters;
  /** Peak temporary (batch) memory during the operation, bytes. */
  tempMemoryPeakBytes: number;
  /** The engine's own memory after the operation (engineBytes), bytes. */
  engineBytes: number;
  /** Optional extras (added later; absent in older files). 4 KiB pages of the mapping. */
  pages?: number;
  /** Maximal physically (and virtually) contiguous runs of the backing: the minimum map calls per domain. */
  physRuns?: number;
  /** Every repeat's wall time, ms, in run order. */
  samplesMs?: number[];
  machineOptions?: StudyMachineOptions;
  /** What the group's machine leaked after its sequence (teardownCheck: pins, accounting, entries, kernel warnings); absent when clean. */
  warnings?: string[];
}

export interface StudyFile {
  format: 'pfnlab-study';
  version: 1;
  /** ISO time the study finished. */
  createdAt: string;
  engineVersion: string;
  mode: 'quick' | 'full' | 'custom';
  machine: { cpus: number; cpuModel: string; node: string; platform: string; workers: number };
  axes: {
    strategies: StudyStrategy[];
    domains: number[];
    backings: StudyBacking[];
    sizes: number[];
    operations: StudyOperation[];
  };
  cells: StudyCell[];
  /** Total wall time of the study, ms. */
  wallMs: number;
  /** Optional (added later): per-cell time limit, ms, and free-form notes (what the floor is, what was left out). */
  timeLimitMs?: number;
  notes?: string[];
}
