/**
 * Option shapes of the scenario API (engine/scenario/api/lab.d.ts) as the mm
 * layer sees them. Kept structurally identical to the declarations there.
 */
import type { LayoutFile } from './layout';

/** A physical frame number. */
export type Pfn = number;

export interface MachineOptions {
  /** Bytes of emulated RAM, default 4 GiB. */
  physicalMemory?: number;
  /** 0..1: how scattered free 4 KiB frames are at start, default 0.5. */
  fragmentation?: number;
  /** Default 1; same seed → same PFNs, same results. */
  seed?: number;
  /** hugetlb pool size in 2 MiB pages, default 64. */
  hugetlbPages2M?: number;
  /** hugetlb pool size in 1 GiB pages, default 0. */
  hugetlbPages1G?: number;
}

export interface MmapOptions {
  shared?: boolean;
  hugetlb?: '2M' | '1G';
  thp?: boolean;
  populate?: boolean;
  file?: boolean;
  readOnly?: boolean;
  align?: number;
  /** A captured PFN layout (its JSON text or parsed file): layout-backing.ts. */
  layout?: LayoutFile | string;
  /** Emulated PFN where the layout's placement starts; default the lowest free place. */
  layoutBase?: number;
}

/** What __account_locked_vm reads from the task: its rlimit and capability. */
export interface RlimitTask {
  /** RLIMIT_MEMLOCK in bytes (Infinity = unlimited). */
  memlockLimit: number;
  capIpcLock: boolean;
}

export interface AccountingView {
  userLockedVm: number;
  mmLockedVm: number;
  mmPinnedVm: number;
}
