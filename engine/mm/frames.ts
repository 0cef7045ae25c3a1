/**
 * Per-frame state of the emulated physical memory, one typed array per field
 * (the emulator's `struct page`). 10 bytes per frame plus 8 bytes per 2 MiB.
 *
 * Like the kernel's struct page, fields are overlaid while a frame is free:
 * the head frame of a free buddy block keeps its free-list links in `ref`
 * (next) and `pin` (prev), the way `page->lru` overlays other fields. Readers
 * must go through `PhysMemory.refCount()`/`pinCount()`, which report 0 for
 * free frames.
 */
import { unfrozen } from '../base/typed';

/** Head of a free buddy block; `order` holds the block order. */
export const FRAME_FREE = 1;
export const FRAME_DIRTY = 2;
/** Part of a huge page (THP or hugetlb); `order` holds the huge page order. */
export const FRAME_COMPOUND = 4;
/** Belongs to a hugetlb pool for the machine's lifetime. */
export const FRAME_HUGETLB = 8;
/** Held by a page cache (a file's or shared anonymous memory's). */
export const FRAME_PAGECACHE = 16;

/** Free-list "null" link. */
export const NIL = 0xffffffff;

/** Frames per 2 MiB huge page (order 9). */
export const HPAGE_ORDER = 9;
export const HPAGE_NR = 1 << HPAGE_ORDER;
/** Frames per 1 GiB huge page (order 18). */
export const GPAGE_ORDER = 18;
export const GPAGE_NR = 1 << GPAGE_ORDER;

export class FrameArrays {
  readonly nframes: number;
  /** Reference count: mappings + pins + page-cache holds. (Free: next link.) */
  readonly ref: Uint32Array;
  /** Long-term pin count (FOLL_PIN). (Free: prev link.) */
  readonly pin: Uint32Array;
  readonly flags: Uint8Array;
  /** Buddy order of a free block head, or the order of the huge page a frame belongs to. */
  readonly order: Uint8Array;
  /** Sum of `ref` over the frames of each huge page, indexed by head >> 9. */
  readonly compoundRefs: Float64Array;

  constructor(nframes: number) {
    this.nframes = nframes;
    this.ref = unfrozen(new Uint32Array(nframes));
    this.pin = unfrozen(new Uint32Array(nframes));
    this.flags = unfrozen(new Uint8Array(nframes));
    this.order = unfrozen(new Uint8Array(nframes));
    this.compoundRefs = unfrozen(new Float64Array(Math.ceil(nframes / HPAGE_NR)));
  }

  get byteLength(): number {
    return (
      this.ref.byteLength +
      this.pin.byteLength +
      this.flags.byteLength +
      this.order.byteLength +
      this.compoundRefs.byteLength
    );
  }

  /** Slot of the huge page holding pfn in compoundRefs (pfn must be compound). */
  compoundSlot(pfn: number): number {
    return (pfn & ~((1 << this.order[pfn]) - 1)) >>> HPAGE_ORDER;
  }

  /** Head frame of the huge page that `pfn` belongs to (pfn itself when not compound). */
  compoundHead(pfn: number): number {
    if ((this.flags[pfn] & FRAME_COMPOUND) === 0) return pfn;
    // pfn < 2^28 (MAX_PHYSICAL_MEMORY), so 32-bit bit operations are exact
    return (pfn & ~((1 << this.order[pfn]) - 1)) >>> 0;
  }
}
