import type { Counters } from './counters';

/**
 * Names of the fallible steps (IOMMUFD-ALGORITHMS.md §8). Every place that can
 * fail in the kernel asks `shouldFail(site)` once; `failNth(n)` makes the n-th
 * such question from now on answer yes, exactly like iommufd_fail_nth does
 * with fail_nth + failslab + fail_page_alloc.
 */
export type FaultSite =
  | 'temp_kmalloc'
  | 'pin_user_pages'
  | 'update_pinned'
  | 'pages_to_xarray'
  | 'iommu_map'
  | 'rw_page'
  | 'kzalloc'
  | 'get_object'
  | 'resv_regions';

export class FaultInjector {
  /** Fallible steps seen since the machine started. */
  steps = 0;
  private armedAt = 0; // absolute step number that fails, 0 = disarmed
  private fired = false;
  /** Where the last injected fault fired, for the timeline. */
  lastSite: FaultSite | null = null;

  constructor(private readonly counters: Counters) {}

  failNth(n: number): void {
    this.armedAt = this.steps + n;
    this.fired = false;
  }

  /** Whether the armed fault has fired; disarms it. */
  consumed(): boolean {
    const f = this.fired;
    this.armedAt = 0;
    this.fired = false;
    return f;
  }

  get armed(): boolean {
    return this.armedAt !== 0 && !this.fired;
  }

  shouldFail(site: FaultSite): boolean {
    this.steps++;
    if (this.armedAt !== 0 && !this.fired && this.steps === this.armedAt) {
      this.fired = true;
      this.lastSite = site;
      this.counters.faultsInjected++;
      return true;
    }
    return false;
  }
}
