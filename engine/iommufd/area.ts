/**
 * struct iopt_area (io_pagetable.h; IOMMUFD-ALGORITHMS.md §1.1, §2.4): a slice
 * of one IoptPages mapped at an IOVA range of one io_pagetable.
 *
 * IOVAs are bigints (the IOVA space is 64-bit) in the area node; every domain
 * call takes numbers (domain apertures are below 2^53), so the number helpers
 * (indexToIova, indexToIovaLast) are only used for areas inside a domain.
 */
import { fail, PAGE_SIZE, U64_MAX, type Kernel } from '../base';
import type { IommuDomain } from '../iommu';
import type { ItNode } from './ds';
import type { IoptPages } from './pages/iopt-pages';

const PAGE_SIZE_N = BigInt(PAGE_SIZE);

/** What the pages code needs of an io_pagetable: its domains, dense by id. */
export interface IoptDomainTable {
  readonly domains: readonly IommuDomain[];
  readonly disableLargePages: boolean;
}

export class IoptArea {
  /** Node in iopt.area_itree; set and cleared by io_pagetable. */
  node: ItNode<bigint, IoptArea> | null = null;
  iova: bigint;
  lastIova: bigint;
  /** Index interval in pages (the kernel's pages_node). */
  pagesNode: { start: number; last: number };
  /** The pages.domains_itree node while inserted (storage_domain != null). */
  domainsNode: ItNode<number, IoptArea> | null = null;
  pageOffset: number;
  iommuProt: number;
  preventAccess = false;
  numAccesses = 0;
  storageDomain: IommuDomain | null = null;
  /** Null while the area is being created or destroyed ("busy"). */
  pages: IoptPages | null = null;
  readonly iopt: IoptDomainTable;
  /** For the test-build WARN assertions of the index helpers. */
  readonly kernel: Kernel;

  constructor(
    iopt: IoptDomainTable,
    iova: bigint,
    length: bigint,
    pages: IoptPages,
    startByte: number,
    iommuProt: number,
  ) {
    this.iopt = iopt;
    this.kernel = pages.kernel;
    this.iommuProt = iommuProt;
    if (length <= 0n) fail('EINVAL', 'area length must be non-zero');
    if (iova < 0n || iova > U64_MAX) fail('EINVAL', 'area iova out of range');
    if (!Number.isSafeInteger(startByte) || startByte < 0) fail('EINVAL', 'area start_byte out of range');
    this.iova = iova;
    const lastIova = iova + length - 1n;
    if (lastIova > U64_MAX) fail('EOVERFLOW', 'iova + length overflows');
    this.lastIova = lastIova;
    const lastByte = BigInt(startByte) + length - 1n;
    if (lastByte > BigInt(Number.MAX_SAFE_INTEGER)) fail('EOVERFLOW', 'start_byte + length overflows');
    this.pageOffset = startByte % PAGE_SIZE;
    this.pagesNode = {
      start: Math.floor(startByte / PAGE_SIZE),
      last: Number(lastByte / PAGE_SIZE_N),
    };
    if (this.pagesNode.last >= pages.npages) {
      this.kernel.warn('pages', 'area last index beyond pages.npages');
      fail('EOVERFLOW', 'area extends past the end of its pages');
    }
  }

  /** First index in pages (area.pages_node.start). */
  get index(): number {
    return this.pagesNode.start;
  }

  /** Last index in pages (inclusive). */
  get lastIndex(): number {
    return this.pagesNode.last;
  }

  /** iopt_area_length */
  get length(): bigint {
    return this.lastIova - this.iova + 1n;
  }

  /** iopt_area_start_byte: byte of pages that `iova` maps. */
  startByte(iova: bigint): number {
    if (iova < this.iova || iova > this.lastIova)
      this.kernel.warn('pages', 'iova outside area in area_start_byte');
    return Number(iova - this.iova) + this.pageOffset + this.index * PAGE_SIZE;
  }

  /** iopt_area_iova_to_index */
  iovaToIndex(iova: bigint): number {
    return Math.floor(this.startByte(iova) / PAGE_SIZE);
  }

  private checkIndex(i: number): void {
    if (i < this.index || i > this.lastIndex) this.kernel.warn('pages', `index ${i} outside area`);
  }

  /** iopt_area_index_to_iova as a number (areas inside a domain only). */
  indexToIova(i: number): number {
    this.checkIndex(i);
    if (i === this.index) return Number(this.iova);
    return Number(this.iova) - this.pageOffset + (i - this.index) * PAGE_SIZE;
  }

  /** iopt_area_index_to_iova_last as a number (areas inside a domain only). */
  indexToIovaLast(i: number): number {
    this.checkIndex(i);
    if (i === this.lastIndex) return Number(this.lastIova);
    return Number(this.iova) - this.pageOffset + (i - this.index + 1) * PAGE_SIZE - 1;
  }

  /** iopt_area_index_to_iova */
  indexToIovaBig(i: number): bigint {
    this.checkIndex(i);
    if (i === this.index) return this.iova;
    return this.iova - BigInt(this.pageOffset) + BigInt(i - this.index) * PAGE_SIZE_N;
  }

  /** iopt_area_index_to_iova_last */
  indexToIovaLastBig(i: number): bigint {
    this.checkIndex(i);
    if (i === this.lastIndex) return this.lastIova;
    return this.iova - BigInt(this.pageOffset) + BigInt(i - this.index + 1) * PAGE_SIZE_N - 1n;
  }

  /** Last IOVA + 1 as a number (areas inside a domain only). */
  get lastIovaNum(): number {
    return Number(this.lastIova);
  }
}
