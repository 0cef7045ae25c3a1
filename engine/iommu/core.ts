/**
 * The iommu core shim (drivers/iommu/iommu.c): what iommufd calls. It checks
 * alignment against the domain's smallest page size, splits a map into the
 * largest page sizes the alignment allows (one map_pages call per run),
 * undoes its own partial work on failure, gathers IOTLB invalidations over
 * an unmap and flushes once per call.
 */
import { fail } from '../base';
import { hex, iommuPgsize, isU64Number } from './align';
import type { DomainBase } from './domain-base';
import { IotlbGather } from './gather';
import type { IommuDomain } from './types';

export function asBase(domain: IommuDomain): DomainBase {
  return domain as DomainBase;
}

/** EINVAL unless [iova, iova+size) is a legal, aligned, in-aperture map request. */
export function checkMapArgs(domain: IommuDomain, iova: number, paddr: number, size: number): void {
  if (!isU64Number(iova))
    fail('EINVAL', `iommu_map: iova ${String(iova)} is not a non-negative safe integer`);
  if (!isU64Number(paddr))
    fail('EINVAL', `iommu_map: paddr ${String(paddr)} is not a non-negative safe integer`);
  if (!isU64Number(size))
    fail('EINVAL', `iommu_map: size ${String(size)} is not a non-negative safe integer`);
  if (size === 0) fail('EINVAL', 'iommu_map: size is 0');
  const min = domain.minPageSize;
  if (iova % min !== 0 || paddr % min !== 0 || size % min !== 0) {
    fail(
      'EINVAL',
      `iommu_map: iova ${hex(iova)}, paddr ${hex(paddr)} and size ${hex(size)} must be aligned to ${min}`,
    );
  }
  checkAperture(domain, iova, size);
}

export function checkAperture(domain: IommuDomain, iova: number, size: number): void {
  if (iova < domain.apertureStart || iova + size - 1 > domain.apertureEnd) {
    fail(
      'EINVAL',
      `iommu_map: [${hex(iova)}, ${hex(iova + size - 1)}] outside the aperture [${hex(
        domain.apertureStart,
      )}, ${hex(domain.apertureEnd)}] of ${domain.source}`,
    );
  }
}

/** The 'iommu_map' fault-injection site: ENOMEM before anything is touched. */
export function mapFaultPoint(domain: IommuDomain): void {
  if (domain.kernel.faults.shouldFail('iommu_map')) {
    fail('ENOMEM', `iommu_map on ${domain.source}: injected fault`);
  }
}

/**
 * iommu_map(domain, iova, paddr, size, prot). Throws EINVAL (misaligned,
 * size 0, outside the aperture), ENOMEM (fault injection) or the driver's
 * error; on failure the domain is exactly as before.
 */
export function iommuMap(domain: IommuDomain, iova: number, paddr: number, size: number, prot: number): void {
  const d = asBase(domain);
  d.assertLive();
  d.countMapCall();
  checkMapArgs(d, iova, paddr, size);
  mapFaultPoint(d);
  // one page of the smallest size (fragmented memory: every run): what
  // iommu_pgsize would choose, without its alignment arithmetic
  if (size === d.pageSizes[0]) {
    d.mapPages(iova, paddr, size, 1, prot);
    return;
  }
  let mapped = 0;
  try {
    while (mapped < size) {
      const c = iommuPgsize(d.pageSizes, iova + mapped, paddr + mapped, size - mapped);
      const pgsize = c.pgsize;
      const count = c.count;
      d.mapPages(iova + mapped, paddr + mapped, pgsize, count, prot);
      mapped += pgsize * count;
    }
  } catch (e) {
    if (mapped > 0) iommuUnmap(d, iova, mapped);
    throw e;
  }
}

/**
 * iommu_unmap(domain, iova, size): bytes unmapped; 0 when iova or size is
 * not aligned to the smallest page size (or size is 0). One IOTLB flush per
 * call. Stops where the driver stops (a refused split or a hole; the driver
 * warns). A range outside the aperture WARNs and unmaps nothing.
 */
export function iommuUnmap(domain: IommuDomain, iova: number, size: number): number {
  const d = asBase(domain);
  d.assertLive();
  d.countUnmapCall();
  if (!isU64Number(iova) || !isU64Number(size) || size === 0) return 0;
  const min = d.minPageSize;
  if (iova % min !== 0 || size % min !== 0) return 0;
  if (iova < d.apertureStart || iova + size - 1 > d.apertureEnd) {
    // What a driver does with an IOVA its table cannot hold (io-pgtable: WARN, return 0).
    d.kernel.warn(d.source, `unmap [${hex(iova)}, ${hex(iova + size - 1)}] outside the aperture`);
    return 0;
  }
  const gather = new IotlbGather();
  let unmapped = 0;
  while (unmapped < size) {
    const c = iommuPgsize(d.pageSizes, iova + unmapped, iova + unmapped, size - unmapped);
    const want = c.pgsize * c.count;
    const got = d.unmapPages(iova + unmapped, c.pgsize, c.count, gather);
    unmapped += got;
    if (got < want) break;
  }
  d.iotlbSync(gather);
  return unmapped;
}

/**
 * iommu_iova_to_phys: the physical address behind iova, 0 when not mapped.
 * The mock answers the 2 KiB frame base (§11.1); a page table the exact
 * address. An unmapped read WARNs, except with { probe: true } (the known
 * harmless read of §7.4), which records a probe event instead.
 */
export function iommuIovaToPhys(domain: IommuDomain, iova: number, opts?: { probe?: boolean }): number {
  const d = asBase(domain);
  d.assertLive();
  if (!isU64Number(iova))
    fail('EINVAL', `iova_to_phys: iova ${String(iova)} is not a non-negative safe integer`);
  const phys = d.iovaToPhys(iova, opts?.probe === true);
  return phys < 0 ? 0 : phys;
}
