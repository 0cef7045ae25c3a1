/**
 * temp_kmalloc (IOMMUFD-ALGORITHMS.md §4.1): temporary buffers capped by
 * TEMP_MEMORY_LIMIT (kernel.tempMemoryLimit), with an optional on-stack
 * backup for paths that must not fail. Live temporary bytes are tracked per
 * kernel to feed the tempMemoryPeakBytes counter.
 */
import { fail, PAGE_SIZE, type Kernel } from '../../base';

const live = new WeakMap<Kernel, number>();

/** Register `bytes` of live temporary memory (heap, not the stack backup). */
export function tempCharge(kernel: Kernel, bytes: number): void {
  const cur = (live.get(kernel) ?? 0) + bytes;
  live.set(kernel, cur);
  if (cur > kernel.counters.tempMemoryPeakBytes) kernel.counters.tempMemoryPeakBytes = cur;
}

export function tempRelease(kernel: Kernel, bytes: number): void {
  live.set(kernel, (live.get(kernel) ?? 0) - bytes);
}

/** Live temporary bytes (0 between operations). */
export function tempLiveBytes(kernel: Kernel): number {
  return live.get(kernel) ?? 0;
}

export interface TempGrant {
  /** Granted size in bytes. */
  size: number;
  /** True when the caller's stack backup was handed out. */
  backup: boolean;
}

/**
 * Grants a size for a temporary buffer of `size` bytes. `backupLen` > 0 means
 * the caller has an on-stack backup of that many bytes and the call cannot
 * fail. Without a backup, fault injection (site 'temp_kmalloc') fails it.
 */
export function tempKmalloc(kernel: Kernel, size: number, backupLen: number): TempGrant {
  if (size <= 0) {
    kernel.warn('pages', 'temp_kmalloc of size 0');
    fail('ENOMEM', 'temp_kmalloc of size 0');
  }
  if (size < backupLen) return { size, backup: true };
  if (backupLen === 0 && kernel.faults.shouldFail('temp_kmalloc'))
    fail('ENOMEM', 'temporary memory allocation failed');
  let granted = Math.min(size, kernel.tempMemoryLimit);
  // The kernel retries with PAGE_SIZE when the large no-retry allocation
  // fails; the emulator's heap never fails that way, so the first grant stands.
  if (granted <= 0) granted = Math.min(PAGE_SIZE, size);
  tempCharge(kernel, granted);
  return { size: granted, backup: false };
}
