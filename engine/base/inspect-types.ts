/**
 * The wire shapes of the engine's inspection answers: what the app's views
 * (tier dashboard, physical memory, IOAS and domain views) ask the worker
 * about the state at a step, and what live frames carry while a run goes.
 *
 * Everything is O(buckets) or O(runs), never one JS object per page: bucket
 * counts and per-page detail are typed arrays (structured-clone safe, and
 * transferable between a worker and its host). Kept in `base` because both
 * the engine layers that compute them and the hosts that carry them read
 * these types.
 */

/** Storage tier of one IoptPages index (§2.3): where its PFN is held. */
export const TIER_NONE = 0; // not pinned: PFN only in the user's page tables
export const TIER_DOMAIN = 1; // pinned, PFN held only by the storage domain(s)
export const TIER_XARRAY = 2; // pinned, in the pinned_pfns xarray for an access (no domain)
export const TIER_BOTH = 3; // pinned, in the xarray and in a domain
export const TIER_COUNT = 4;
export const TIER_NAMES = ['not pinned', 'domain', 'xarray', 'xarray + domain'] as const;

/** Frame states of the physical memory summary. */
export const FRAME_STATE_FREE = 0;
export const FRAME_STATE_USED = 1; // allocated (mapped, page cache, page tables), not pinned
export const FRAME_STATE_PINNED = 2; // long-term pinned
export const FRAME_STATE_COUNT = 3;
export const FRAME_STATE_NAMES = ['free', 'in use', 'pinned'] as const;

/**
 * Identity of one IoptPages across the steps of a run: the digest numbers
 * pages objects by order of appearance at each step, so a view keeps a pages
 * object in sight by this key (process, user VA, size), stable across steps
 * and replays.
 */
export type PagesKey = string; // `${pid}:${uptr}:${npages}`

/** An area slicing an IoptPages (or an IOAS's IOVA space). */
export interface InspectArea {
  ioas: number;
  /** IOVA and length, decimal strings (64-bit). */
  iova: string;
  length: string;
  /** First and last page index of the pages object it maps. */
  index: number;
  lastIndex: number;
  /** Key of the pages object it maps. */
  pages: PagesKey;
  prot: number;
  /** Domain id of the area's storage domain, null when it has none. */
  storageDomain: number | null;
  numAccesses: number;
}

/** An access interval (iopt_pages_access) over page indexes. */
export interface InspectAccessNode {
  start: number;
  last: number;
  users: number;
}

/** Per-page detail of a zoomed-in range [start, end). */
export interface PageDetail {
  start: number;
  end: number;
  /** PFN of each page, -1 when no frame backs it (not faulted in). */
  pfn: Float64Array;
  /** Tier of each page (TIER_*). */
  tier: Uint8Array;
  /** Long-term pin count of each page's frame (0 when none). */
  pin: Uint32Array;
  /** Bit i set: domainIds[i] maps the page; bit 31: the xarray holds it. */
  holders: Uint32Array;
  domainIds: number[];
}

/** Tier summary of one IoptPages over [start, end) page indexes. */
export interface TierAnswer {
  kind: 'tiers';
  /** The digest id of the pages object at this step (for follow-up queries). */
  pages: number;
  key: PagesKey;
  pid: number;
  uptr: number;
  npages: number;
  npinned: number;
  lastNpinned: number;
  start: number;
  end: number;
  buckets: number;
  /** TIER_COUNT × buckets page counts, bucket-major: counts[b * TIER_COUNT + tier]. */
  counts: Uint32Array;
  areas: InspectArea[];
  accesses: InspectAccessNode[];
  /** Present when the range is small enough (end - start <= buckets) unless the query said `detail: false`. */
  detail?: PageDetail;
}

/** Physical memory summary over frames [start, end). */
export interface PhysAnswer {
  kind: 'phys';
  nframes: number;
  start: number;
  end: number;
  buckets: number;
  /** FRAME_STATE_COUNT × buckets frame counts, bucket-major. */
  counts: Uint32Array;
  /** Frames per bucket in a THP (compound, not hugetlb) / hugetlb pool frames / highlighted frames. */
  thp: Uint32Array;
  hugetlb: Uint32Array;
  highlight: Uint32Array;
  /** Contiguous runs of the highlighted frames (how many map calls they would need at 4 KiB). */
  highlightRuns: number;
  highlightFrames: number;
}

/** Per-domain figures at a step (work counters are not in digests). */
export interface DomainAnswer {
  kind: 'domains';
  domains: {
    id: number;
    ioas: number;
    kind: string;
    stats: Record<string, number>;
    /** [iova, length, pageSize] runs, decimal strings. */
    mapped: [string, string, number][];
  }[];
}

export type InspectQuery =
  /**
   * Tiers of pages object `pages` (digest id at that step, or `key`) over
   * [start, end); neither: every pages object of the step. `detail: false`
   * never adds per-page detail (then a past step is answered from its digest
   * alone, however small the objects).
   */
  | {
      kind: 'tiers';
      pages?: number;
      key?: PagesKey;
      start?: number;
      end?: number;
      buckets: number;
      detail?: boolean;
    }
  /** Frames [start, end) (default all); highlight the frames behind pages [hStart, hEnd). */
  | {
      kind: 'phys';
      start?: number;
      end?: number;
      buckets: number;
      highlight?: { key: PagesKey; start?: number; end?: number };
    }
  | { kind: 'domains' };

export type InspectAnswer = TierAnswer | PhysAnswer | DomainAnswer;

/** What a live frame's summaries cover (set per run). */
export interface LiveOptions {
  /** Frames per second at most (default 20, clamped 1..30). */
  fps?: number;
  /** Buckets of each IoptPages' full-range tier summary (default 1024). */
  buckets?: number;
  /** Include a whole-machine physical summary with this many buckets (0/absent: none). */
  physBuckets?: number;
}
