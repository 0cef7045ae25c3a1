/**
 * engine/iommu — the emulated IOMMU: the iommu core shim and the domain
 * kinds (selftest mock, radix page table). See README.md.
 */
export { IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE } from './types';
export type {
  CreateDomainOptions,
  DomainKind,
  DomainStats,
  IommuDomain,
  MappedRange,
  PagetableFormatName,
  PfnSink,
  ReservedRegion,
} from './types';
export { createDomain } from './create';
export { iommuMap, iommuUnmap, iommuIovaToPhys } from './core';
export { iommuReadPfns, iommuMapPfnList } from './batch-api';
export { MOCK_IO_PAGE_SIZE, MOCK_APERTURE_START, MOCK_APERTURE_LAST, MockDomain } from './mock-domain';
export { PagetableDomain } from './pagetable/pagetable-domain';
export { IotlbGather } from './gather';
export { iommuPgsize } from './align';
