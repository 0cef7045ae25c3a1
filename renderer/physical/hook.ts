/**
 * The physical view's test hook for the end-to-end helper: what the drawn
 * answer holds at a frame (read from the same answer the canvas shows).
 */
export interface PhysicalHook {
  /** Counts of the bucket holding `pfn` in the drawn answer; null outside it or before any answer. */
  bucketAt(pfn: number): { free: number; used: number; pinned: number; thp: number; hugetlb: number; highlight: number } | null;
  /** Frame range and buckets of the drawn answer. */
  view(): { start: number; end: number; buckets: number } | null;
}

declare global {
  interface Window {
    __pfnlabPhysical?: PhysicalHook;
  }
}

export {};
