/**
 * struct io_pagetable (io_pagetable.c): the state of `IoPagetableState` with
 * the kernel's iopt_* entry points as methods, each forwarding to the file
 * that holds the algorithm, so that callers see one object.
 */
import type { IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import { allocIova } from './alloc-iova';
import { getPages, type IoptPagesListElm } from './copy';
import { tableAddDomain, tableRemoveDomain, calculateIovaAlignment } from './domains';
import { type AccountContext, IoPagetableState, type ReservedOwner } from './io-pagetable-state';
import { mapPages, mapUserPages, type MapFlags } from './map';
import { reserveIova, removeReservedIova, setAllowIova, type IovaRangeIn } from './reserved';
import { cutIova, disableLargePages, enableLargePages } from './split';
import { unmapAll, unmapIova } from './unmap';

export {
  IOMMU_READ,
  IOMMU_WRITE,
  IOPT_ALLOC_IOVA,
  type AccountContext,
  type IoptAccessUser,
  type IoptReserved,
  type ReservedOwner,
} from './io-pagetable-state';

export class IoPagetable extends IoPagetableState {
  allocIova(addr: number, length: bigint): bigint {
    return allocIova(this, addr, length);
  }

  mapUserPages(
    ctx: AccountContext,
    current: Process,
    iova: bigint,
    uptr: number,
    length: bigint,
    iommuProt: number,
    flags: MapFlags,
  ): bigint {
    return mapUserPages(this, ctx, current, iova, uptr, length, iommuProt, flags);
  }

  mapPages(
    list: IoptPagesListElm[],
    length: bigint,
    iova: bigint,
    iommuProt: number,
    flags: MapFlags,
    current: Process,
  ): bigint {
    return mapPages(this, list, length, iova, iommuProt, flags, current);
  }

  getPages(iova: bigint, length: bigint): IoptPagesListElm[] {
    return getPages(this, iova, length);
  }

  unmapIova(iova: bigint, length: bigint): bigint {
    return unmapIova(this, iova, length);
  }

  unmapAll(): bigint {
    return unmapAll(this);
  }

  tableAddDomain(domain: IommuDomain, current: Process): void {
    tableAddDomain(this, domain, current);
  }

  tableRemoveDomain(domain: IommuDomain): void {
    tableRemoveDomain(this, domain);
  }

  calculateIovaAlignment(): void {
    calculateIovaAlignment(this);
  }

  reserveIova(start: bigint, last: bigint, owner: ReservedOwner): void {
    reserveIova(this, start, last, owner);
  }

  removeReservedIova(owner: ReservedOwner): void {
    removeReservedIova(this, owner);
  }

  setAllowIova(ranges: IovaRangeIn[]): void {
    setAllowIova(this, ranges);
  }

  cutIova(iovas: bigint[]): void {
    cutIova(this, iovas);
  }

  disableLargePagesOp(): void {
    disableLargePages(this);
  }

  enableLargePagesOp(): void {
    enableLargePages(this);
  }
}
