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
}
