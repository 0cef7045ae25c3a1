/**
 * Test fixture for pages.c: a real machine (mm + iommu domains) and a tiny
 * io_pagetable stand-in that implements IoptDomainTable and the few table
 * operations the tests need (iopt_fill_domain / iopt_unfill_domain, area
 * map/unmap), written from IOMMUFD-ALGORITHMS.md §9.6. Used by tests and the
 * benchmark only.
 */
import { HPAGE_SIZE, Kernel, PAGE_SIZE } from '../../../base';
import {
  createDomain,
  IOMMU_READ,
  IOMMU_WRITE,
  type CreateDomainOptions,
  type IommuDomain,
} from '../../../iommu';
import { MemorySystem, type MachineOptions, type Process } from '../../../mm';
import { IoptArea, IoptPages, type IoptDomainTable } from '../../area-pages';
import { fillDomain, fillDomains } from '../fill-domains';
import { unfillDomain, unfillDomains, unmapDomain } from '../unfill-domain';

export class TestIopt implements IoptDomainTable {
  domains: IommuDomain[] = [];
  disableLargePages = false;
  areas: IoptArea[] = [];
}

export interface PagesSnapshot {
  access: string;
  domains: string;
  xarray: string;
  npinned: number;
  lastNpinned: number;
}

export class Fixture {
  readonly kernel = new Kernel();
  readonly mem: MemorySystem;
  readonly proc: Process;
  readonly iopt = new TestIopt();
  private nextDomainId = 1;

  constructor(opts: MachineOptions = {}) {
    this.mem = new MemorySystem(this.kernel, { physicalMemory: 256 * 2 ** 20, hugetlbPages2M: 8, ...opts });
    this.proc = this.mem.createProcess();
  }

  /** iopt_table_add_domain + iopt_fill_domain (§9.6). */
  attachDomain(opts: CreateDomainOptions = {}): IommuDomain {
    const domain = createDomain(this.kernel, this.nextDomainId++, opts);
    const done: IoptArea[] = [];
    try {
      for (const area of this.iopt.areas) {
        const pages = area.pages as IoptPages;
        fillDomain(area, domain, this.proc);
        if (area.storageDomain === null) {
          area.storageDomain = domain;
          area.domainsNode = pages.domainsItree.insert(area.index, area.lastIndex, area);
        }
        done.push(area);
      }
    } catch (e) {
      for (const area of done) {
        const pages = area.pages as IoptPages;
        if (this.iopt.domains.length === 0) {
          if (area.domainsNode !== null) pages.domainsItree.remove(area.domainsNode);
          area.domainsNode = null;
          area.storageDomain = null;
        }
        unfillDomain(area, pages, domain);
      }
      domain.free();
      throw e;
    }
    this.iopt.domains.push(domain);
    return domain;
  }

  /** iopt_table_remove_domain + iopt_unfill_domain (§9.6). */
  detachDomain(domain: IommuDomain): void {
    const i = this.iopt.domains.indexOf(domain);
    if (i < 0) throw new Error('not attached');
    this.iopt.domains.splice(i, 1);
    if (this.iopt.domains.length !== 0) {
      const storage = this.iopt.domains[0];
      for (const area of this.iopt.areas) {
        if (area.storageDomain === domain) area.storageDomain = storage;
        unmapDomain(area, domain);
      }
    } else {
      for (const area of this.iopt.areas) {
        const pages = area.pages as IoptPages;
        if (area.domainsNode !== null) pages.domainsItree.remove(area.domainsNode);
        area.domainsNode = null;
        area.storageDomain = null;
        unfillDomain(area, pages, domain);
      }
    }
    domain.free();
  }

  pages(uptr: number, length: number, writable = true): IoptPages {
    return IoptPages.alloc(this.kernel, this.proc, uptr, length, writable);
  }

  /** iopt_map_pages for one area: fill all domains, then publish. */
  mapArea(pages: IoptPages, iova: number, length: number, startByte: number): IoptArea {
    const area = new IoptArea(
      this.iopt,
      BigInt(iova),
      BigInt(length),
      pages,
      startByte,
      IOMMU_READ | IOMMU_WRITE,
    );
    fillDomains(area, pages, this.proc);
    pages.get();
    area.pages = pages;
    this.iopt.areas.push(area);
    return area;
  }

  unmapArea(area: IoptArea): void {
    const pages = area.pages as IoptPages;
    area.pages = null;
    unfillDomains(area, pages);
    this.iopt.areas.splice(this.iopt.areas.indexOf(area), 1);
    pages.put();
  }

  /**
   * The buffer of the kernel's access_domain_destory test: two 2 MiB hugetlb
   * pages whose PFN runs are not adjacent (the second is faulted in first),
   * so every index walk crosses a legal unmap cut point at index 512.
   */
  twoSeparateHugePages(): { uptr: number; len: number; P0: number; Q0: number } {
    const len = 2 * HPAGE_SIZE;
    const uptr = this.proc.mmap(len, { hugetlb: '2M' });
    this.proc.write(uptr + HPAGE_SIZE, new Uint8Array([1]));
    this.proc.write(uptr, new Uint8Array([1]));
    const P0 = this.pfnAt(uptr);
    const Q0 = this.pfnAt(uptr + HPAGE_SIZE);
    if (P0 + 512 === Q0) throw new Error('twoSeparateHugePages: the two huge pages came out adjacent');
    return { uptr, len, P0, Q0 };
  }

  /** PFN behind a user address (-1 if not present). */
  pfnAt(uptr: number): number {
    return this.proc.translate(uptr);
  }

  pinCounts(uptr: number, npages: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < npages; i++) {
      const pfn = this.proc.translate(uptr + i * PAGE_SIZE);
      out.push(pfn < 0 ? -1 : this.mem.phys.pinCount(pfn));
    }
    return out;
  }

  /** Every domain's contents as one string (ranges and per-2K translation). */
  domainContents(): string {
    return this.iopt.domains
      .map((d) => {
        const parts: string[] = [];
        for (const r of d.mappedRanges()) {
          const tr: number[] = [];
          for (let a = r.iova; a < r.iova + r.length; a += 2048) tr.push(d.translate(a));
          parts.push(`${r.iova}+${r.length}:${tr.join(',')}`);
        }
        return `${d.id}{${parts.join(' ')}}`;
      })
      .join(';');
  }
}

export function snapshotPages(pages: IoptPages): PagesSnapshot {
  return {
    access: [...pages.accessItree].map((n) => `${n.start}-${n.last}x${n.value.users}`).join(','),
    domains: [...pages.domainsItree].map((n) => `${n.start}-${n.last}`).join(','),
    xarray: [...pages.pinnedPfns.entries()].map(([i, p]) => `${i}:${p}`).join(','),
    npinned: pages.npinned,
    lastNpinned: pages.lastNpinned,
  };
}
