/**
 * The seed's proposed IOMMU API improvement (IOMMUFD-ALGORITHMS.md §13) as
 * an optional domain capability: read back runs of PFNs in one driver call,
 * and store a whole batch of runs in one driver call. When the domain has
 * no batch API (DomainOptions.batchApi false, the default) these wrappers
 * do what iommufd does today — one iova_to_phys per PAGE_SIZE, one iommu_map
 * per run — so callers can always use them and the counters tell the story.
 */
import { fail, PAGE_SIZE } from '../base';
import { hex, isU64Number } from './align';
import { asBase, checkAperture, iommuMap, iommuUnmap, mapFaultPoint } from './core';
import type { IommuDomain, PfnSink } from './types';

/**
 * Read `npages` PAGE_SIZE frames starting at iova (aligned to the domain's
 * smallest page size). Page k > 0 is read at the IOVA of the start of the
 * k-th CPU page (iova minus the in-page offset of the first physical
 * address, plus k pages). Runs of contiguous PFNs go to `sink`; false
 * refuses the run and stops. An unmapped page stops the read (WARN, or a
 * probe event with { probe: true }). Returns pages consumed.
 */
export function iommuReadPfns(
  domain: IommuDomain,
  iova: number,
  npages: number,
  sink: PfnSink,
  opts?: { probe?: boolean },
): number {
  const d = asBase(domain);
  d.assertLive();
  if (!isU64Number(iova) || iova % d.minPageSize !== 0) {
    fail('EINVAL', `readPfns: iova ${String(iova)} not aligned to ${d.minPageSize}`);
  }
  if (!Number.isSafeInteger(npages) || npages < 0) fail('EINVAL', `readPfns: bad npages ${String(npages)}`);
  if (npages === 0) return 0;
  const probe = opts?.probe === true;
  if (d.batchApi) return d.readPfns(iova, npages, sink, probe);
  // batch_from_domain: one iova_to_phys per page, one add per page.
  let off = 0;
  for (let k = 0; k < npages; k++) {
    const at = k === 0 ? iova : iova - off + k * PAGE_SIZE;
    const phys = d.iovaToPhys(at, probe);
    if (phys < 0) return k;
    if (k === 0) off = phys % PAGE_SIZE;
    if (!sink(Math.floor(phys / PAGE_SIZE), 1)) return k;
  }
  return npages;
}

/**
 * Map `count` physically contiguous segments (paddrs[i], sizes[i]) back to
 * back from iova. Batch API: one driver call (mapPfnListCalls), all or
 * nothing. Without it: one iommu_map per segment and, on failure, one
 * iommu_unmap of what was mapped (batch_to_domain). Zero-size segments are
 * skipped. Throws EINVAL (misaligned, outside the aperture), ENOMEM (fault
 * injection) or the driver's error; the domain is then unchanged.
 */
export function iommuMapPfnList(
  domain: IommuDomain,
  iova: number,
  paddrs: Float64Array,
  sizes: Float64Array,
  count: number,
  prot: number,
): void {
  const d = asBase(domain);
  d.assertLive();
  if (!Number.isSafeInteger(count) || count < 0 || count > paddrs.length || count > sizes.length) {
    fail('EINVAL', `mapPfnList: bad count ${String(count)}`);
  }
  const min = d.minPageSize;
  if (!isU64Number(iova) || iova % min !== 0)
    fail('EINVAL', `mapPfnList: iova ${String(iova)} not aligned to ${min}`);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const p = paddrs[i];
    const s = sizes[i];
    if (!isU64Number(p) || !isU64Number(s) || p % min !== 0 || s % min !== 0) {
      fail('EINVAL', `mapPfnList: segment ${i} (paddr ${hex(p)}, size ${hex(s)}) not aligned to ${min}`);
    }
    total += s;
  }
  if (total === 0) return;
  checkAperture(d, iova, total);
  if (d.batchApi) {
    mapFaultPoint(d);
    d.mapPfnList(iova, paddrs, sizes, count, prot);
    return;
  }
  let done = 0;
  try {
    for (let i = 0; i < count; i++) {
      const s = sizes[i];
      if (s === 0) continue;
      iommuMap(d, iova + done, paddrs[i], s, prot);
      done += s;
    }
  } catch (e) {
    if (done > 0) iommuUnmap(d, iova, done);
    throw e;
  }
}
