/**
 * Alignment arithmetic on IOVAs and physical addresses held in JS numbers
 * (up to 2^53): no 32-bit bitwise tricks on the full value.
 */
const TWO32 = 4294967296;

export function hex(x: number): string {
  return '0x' + x.toString(16);
}

/** Largest power of two dividing x; Infinity for 0. x a non-negative safe integer. */
export function alignOf(x: number): number {
  if (x === 0) return Infinity;
  const lo = x % TWO32;
  if (lo !== 0) return (lo & -lo) >>> 0;
  const hi = Math.floor(x / TWO32);
  return ((hi & -hi) >>> 0) * TWO32;
}

export function isAligned(x: number, align: number): boolean {
  return x % align === 0;
}

export function isPow2(x: number): boolean {
  return Number.isSafeInteger(x) && x > 0 && alignOf(x) === x;
}

export function isU64Number(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Result of iommuPgsize; one shared instance so hot loops allocate nothing. */
export interface PgsizeChoice {
  pgsize: number;
  count: number;
}
const choice: PgsizeChoice = { pgsize: 0, count: 0 };

/**
 * iommu_pgsize(): the largest supported page size that fits `size` and the
 * alignment of both iova and paddr, and how many of them to map in one
 * map_pages call — stopping early where a larger page size becomes usable,
 * exactly as the kernel does (including its use of iova|paddr for that).
 * `sizes` ascending powers of two; the caller has checked the alignment
 * against sizes[0] and size >= sizes[0]. Returns a shared object.
 */
export function iommuPgsize(
  sizes: readonly number[],
  iova: number,
  paddr: number,
  size: number,
): PgsizeChoice {
  const align = Math.min(alignOf(iova), alignOf(paddr));
  let idx = 0;
  for (let i = sizes.length - 1; i >= 0; i--) {
    const s = sizes[i];
    if (s <= size && s <= align) {
      idx = i;
      break;
    }
  }
  const pgsize = sizes[idx];
  let run = size;
  if (idx + 1 < sizes.length) {
    const next = sizes[idx + 1];
    // (paddr | iova) & (next - 1), with both residues below 2^31.
    const merged = ((iova % next) | (paddr % next)) >>> 0;
    const offset = next - merged;
    if (offset + next <= size) run = offset;
  }
  choice.pgsize = pgsize;
  choice.count = Math.floor(run / pgsize);
  return choice;
}
