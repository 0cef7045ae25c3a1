/**
 * The engine's own memory for the live iommufd state, as the kernel would
 * spend it: radix nodes of the pinned_pfns xarrays and interval-tree nodes
 * (IoptPages.engineBytes), the io_pagetables' area / reserved / allowed
 * trees, and the objects' bookkeeping (domains, accesses). Not the emulated
 * machine (RAM contents, frame metadata, process or IOMMU page tables).
 * O(live objects): counts and tree sizes, never a walk over pages.
 *
 * The struct sizes are estimates for 64-bit (they give the chart its scale;
 * the shape — what grows with what — is what the lab teaches).
 */
import { ITREE_NODE_BYTES, type IoptPages } from './area-pages';
import type { IommufdCtx } from './objects/context';
import type { Ioas } from './objects/ioas';

/** struct iopt_pages beyond its trees (kref, mutex, source mm, counters). */
export const IOPT_PAGES_BYTES = 192;
/** struct iopt_area beyond its two tree nodes (iova node, pages node). */
export const IOPT_AREA_BYTES = 64;
/** struct iopt_reserved: its node and the owner pointer. */
export const IOPT_RESERVED_BYTES = ITREE_NODE_BYTES + 8;
/** struct iommufd_hwpt_paging + struct iommu_domain header. */
export const HWPT_BYTES = 256;
/** struct iommufd_access. */
export const ACCESS_BYTES = 160;
/** One pinned item of an access (iova, length, pages access node). */
export const ACCESS_ITEM_BYTES = 64;

/** Engine bytes of the live state; `pages` are the live IoptPages (each once). */
export function engineBytesOf(contexts: readonly IommufdCtx[], pages: readonly IoptPages[]): number {
  let bytes = 0;
  for (const p of pages) bytes += pagesEngineBytes(p);
  for (const ctx of contexts) for (const ioas of ctx.ioases()) bytes += ioasEngineBytes(ioas);
  return bytes;
}

/** One IoptPages' share of engineBytesOf. */
export function pagesEngineBytes(p: IoptPages): number {
  return IOPT_PAGES_BYTES + p.engineBytes();
}

/** One IOAS's share of engineBytesOf (its io_pagetable's trees, domains, accesses). */
export function ioasEngineBytes(ioas: Ioas): number {
  const iopt = ioas.iopt;
  let bytes = iopt.areaItree.size * (ITREE_NODE_BYTES + IOPT_AREA_BYTES);
  bytes += iopt.reservedItree.size * IOPT_RESERVED_BYTES;
  bytes += iopt.allowedItree.size * ITREE_NODE_BYTES;
  bytes += ioas.domains.length * HWPT_BYTES;
  for (const acc of ioas.accesses) bytes += ACCESS_BYTES + acc.items.length * ACCESS_ITEM_BYTES;
  return bytes;
}
