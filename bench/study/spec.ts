/**
 * The sweep's axes and what one unit of work is. A *group* is one strategy ×
 * domains × backing × size: its five operations run in sequence on one
 * machine per repeat (group.ts), so the expensive set-up (populate, map)
 * is paid once per repeat instead of once per operation. Pure data.
 */
import type {
  StudyBacking,
  StudyMachineOptions,
  StudyOperation,
  StudyStrategy,
} from '../../engine/scenario/study-file';

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;
export const PAGE = 4096;
/** The access pin of the access-pin operation (4 pins of 16 MiB, the selftest's limit per pin). */
export const ACCESS_PIN_BYTES = 64 * MiB;

export interface StudyAxes {
  strategies: StudyStrategy[];
  domains: number[];
  backings: StudyBacking[];
  sizes: number[];
  operations: StudyOperation[];
}

export interface GroupSpec {
  /** Index in the study's group list (results come back tagged with it). */
  index: number;
  strategy: StudyStrategy;
  domains: number;
  backing: StudyBacking;
  size: number;
  operations: StudyOperation[];
  repeats: number;
  machine: StudyMachineOptions;
  /** Text of the captured layout for `layout:NAME` backings. */
  layoutText?: string;
  /** false: no untimed warm-up run (group.ts); the CI test, which times nothing. */
  warmUp?: boolean;
}

export const FULL_AXES: StudyAxes = {
  strategies: ['iommufd', 'iommufd+batch-api', 'naive', 'vfio-type1'],
  domains: [1, 2, 4, 8],
  backings: ['frag-4k', 'contig-4k', 'thp', 'hugetlb-2m', 'hugetlb-1g', 'layout:python-4m'],
  sizes: [64 * MiB, GiB, 16 * GiB],
  operations: ['map', 'attach', 'access-pin', 'unmap', 'detach-last'],
};

export const QUICK_AXES: StudyAxes = {
  ...FULL_AXES,
  domains: [1, 4],
  sizes: [64 * MiB],
};

/** Repeats per group: median of these; 16 GiB once (a repeat there costs tens of seconds). */
export function repeatsFor(size: number, quick: boolean): number {
  if (quick) return 2;
  return size <= 64 * MiB ? 5 : size <= GiB ? 3 : 1;
}

/** Why a whole group makes no sense, or null. */
export function groupSkipReason(backing: StudyBacking, size: number): string | null {
  if (backing === 'hugetlb-1g' && size % GiB !== 0)
    return `1 GiB hugetlb pages cannot back ${size / MiB} MiB (the size must be a multiple of 1 GiB)`;
  if (backing === 'hugetlb-2m' && size % (2 * MiB) !== 0) return 'the size must be a multiple of 2 MiB';
  return null;
}

/** Why one operation of a group makes no sense, or null. */
export function operationSkipReason(op: StudyOperation, size: number): string | null {
  if (op === 'access-pin' && size < ACCESS_PIN_BYTES)
    return `the access pins ${ACCESS_PIN_BYTES / MiB} MiB, more than the ${size / MiB} MiB mapped`;
  return null;
}

/** fragmentation of the free frames at start: 1 for frag-4k (no two free frames adjacent), 0 otherwise. */
export function fragmentationFor(backing: StudyBacking): number {
  return backing === 'frag-4k' ? 1 : backing === 'thp' ? 0.5 : 0;
}

/**
 * A machine the group fits in: the mapping, the hugetlb pool it needs, and room for a tiled layout's gaps (one frame between groups of
 * runs, 2 MiB phases kept) and the engine's own allocations.
 */
export function machineFor(backing: StudyBacking, size: number): StudyMachineOptions {
  // the hugetlb pools are carved out of physicalMemory at boot (from the top, aligned)
  const slack = backing.startsWith('layout:')
    ? Math.ceil(size / 2 / GiB) * GiB + GiB
    : backing === 'hugetlb-1g'
      ? GiB
      : GiB / 2;
  const pool2M = backing === 'hugetlb-2m' ? Math.ceil(size / (2 * MiB)) : 0;
  const pool1G = backing === 'hugetlb-1g' ? Math.ceil(size / GiB) : 0;
  return {
    physicalMemory: Math.min(256 * GiB, size + slack),
    fragmentation: fragmentationFor(backing),
    hugetlbPages2M: pool2M,
    hugetlbPages1G: pool1G,
  };
}

export function cellKey(c: {
  strategy: string;
  domains: number;
  backing: string;
  size: number;
  operation: string;
}): string {
  return `${c.strategy}|${c.domains}|${c.backing}|${c.size}|${c.operation}`;
}

export function sizeLabel(bytes: number): string {
  return bytes >= GiB && bytes % GiB === 0 ? `${bytes / GiB} GiB` : `${bytes / MiB} MiB`;
}
