/**
 * engine/iommufd — iommufd's PFN storage (pages.c), io_pagetable.c, the
 * iommufd objects and the Machine that ties them to an emulated memory.
 */
export { Machine, type ContextSummary } from './machine';
export { IommufdCtx, type MachineEnv, type IommufdObjectKind } from './objects/context';
export { Ioas } from './objects/ioas';
export { Domain } from './objects/device';
export { Access, AccessItem, ACCESS_MAX_LENGTH } from './objects/access';
export { u64Arg, type U64 } from './objects/args';
export {
  IoPagetable,
  IOPT_ALLOC_IOVA,
  type IoptReserved,
  type IoptAccessUser,
} from './io-pagetable/io-pagetable';
export { UNMAP_MAX_TRIES } from './io-pagetable/unmap';
export { allocAlignment } from './io-pagetable/alloc-iova';
export { machineDigest, writeMachineDigest, type MachineDigest } from './digest';
export {
  DigestKey,
  ObjectWriter,
  writeJson,
  MODE_KEYED,
  MODE_MACHINE,
  type DigestWriter,
  type JsonValue,
} from './digest-writer';
export { machineViolations, livePages } from './invariants';
export { IoptArea, type IoptDomainTable } from './area-pages';
export { IoptPages } from './pages';
