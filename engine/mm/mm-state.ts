import type { Kernel } from '../base';
import { PageTable } from './page-table';
import type { PhysMemory } from './phys';
import type { Vma } from './vma';

/** What an mm needs from the machine it lives in. */
export interface MmHost {
  readonly kernel: Kernel;
  readonly phys: PhysMemory;
  /** Called on every mmap (lab.configure's EBUSY rule). */
  markTouched(): void;
  /** mm ids are per machine, so that runs reproduce. */
  newMmId(): number;
}

/**
 * The data of an address space (the kernel's mm_struct): VMAs, the page
 * table, mm_users and the per-mm accounting counters, with the lookups that
 * only read them. The operations (fault.ts, mmap.ts, gup.ts, uaccess.ts) take
 * this; `MmStruct` (mm.ts) adds them as methods on top.
 */
export class MmState {
  readonly id: number;
  readonly host: MmHost;
  readonly kernel: Kernel;
  readonly phys: PhysMemory;
  /** mm_users. */
  users = 1;
  /** locked_vm, pages. */
  lockedVm = 0;
  /** pinned_vm, pages. */
  pinnedVm = 0;
  /** Sorted by start, non-overlapping. */
  vmas: Vma[] = [];
  readonly pt = new PageTable();

  constructor(host: MmHost) {
    this.host = host;
    this.id = host.newMmId();
    this.kernel = host.kernel;
    this.phys = host.phys;
  }

  get alive(): boolean {
    return this.users > 0;
  }

  /** mmget_not_zero. */
  tryGet(): boolean {
    if (this.users === 0) return false;
    this.users++;
    return true;
  }

  /** find_vma: the first VMA with end > addr (it may start above addr), or null. */
  findVmaFrom(addr: number): Vma | null {
    const v = this.vmas;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid].end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo < v.length ? v[lo] : null;
  }

  /** The VMA containing addr, or null. */
  findVma(addr: number): Vma | null {
    const v = this.findVmaFrom(addr);
    return v !== null && v.start <= addr ? v : null;
  }

  /** Frame behind the page at uptr, -1 if not present (no fault). */
  translate(uptr: number): number {
    const e = this.pt.get(Math.floor(uptr / 4096));
    return e === 0 ? -1 : e >>> 3;
  }
}
