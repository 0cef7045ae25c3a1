import type { PagetableFormatName } from '../types';

export const SZ_4K = 4096;
export const SZ_64K = 65536;
export const SZ_2M = 2 ** 21;
export const SZ_1G = 2 ** 30;

/** Entries per table page (4 KiB / 8-byte PTE). */
export const PTES_PER_TABLE = 512;
export const TABLE_BYTES = 4096;
/** PTEs in one arm64 contiguous-hint run at the last level (4 KiB granule). */
export const CONT_PTES = 16;

/**
 * A radix page-table format: 4 levels of 512-entry tables over a 48-bit
 * IOVA space. Level 0 is the last level (4 KiB entries); level L maps
 * 2^(12 + 9L) bytes per entry. Both emulated formats share the geometry;
 * arm64_4k adds the contiguous hint (16 level-0 PTEs = one 64 KiB TLB entry).
 */
export interface PagetableFormat {
  readonly name: PagetableFormatName;
  readonly levels: number;
  readonly vaBits: number;
  /** Leaf sizes the format can install, ascending. */
  readonly leafSizes: readonly number[];
  readonly hasContHint: boolean;
}

export const FORMATS: Record<PagetableFormatName, PagetableFormat> = {
  x86_64: {
    name: 'x86_64',
    levels: 4,
    vaBits: 48,
    leafSizes: [SZ_4K, SZ_2M, SZ_1G],
    hasContHint: false,
  },
  arm64_4k: {
    name: 'arm64_4k',
    levels: 4,
    vaBits: 48,
    leafSizes: [SZ_4K, SZ_64K, SZ_2M, SZ_1G],
    hasContHint: true,
  },
};

export function isFormatName(x: unknown): x is PagetableFormatName {
  return x === 'x86_64' || x === 'arm64_4k';
}

const ENTRY_SIZE = [2 ** 12, 2 ** 21, 2 ** 30, 2 ** 39];

/** Bytes mapped by one entry at `level` (0..3). */
export function entrySize(level: number): number {
  return ENTRY_SIZE[level];
}

/** Level at which a leaf of `pgsize` lives (64 KiB: level 0 with the hint). */
export function leafLevel(pgsize: number): number {
  if (pgsize === SZ_4K || pgsize === SZ_64K) return 0;
  if (pgsize === SZ_2M) return 1;
  return 2;
}

/** Index of iova's entry in its table at `level`. */
export function pteIndex(iova: number, level: number): number {
  return Math.floor(iova / ENTRY_SIZE[level]) % PTES_PER_TABLE;
}
