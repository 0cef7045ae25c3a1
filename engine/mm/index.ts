/** engine/mm — the emulated machine memory. See README.md. */
export { MemorySystem, resolveMachineOptions, MAX_PHYSICAL_MEMORY, type EngineMemory } from './memory-system';
export { Process } from './process';
export { MmStruct } from './mm';
export { PhysMemory } from './phys';
export {
  FrameArrays,
  FRAME_FREE,
  FRAME_DIRTY,
  FRAME_COMPOUND,
  FRAME_HUGETLB,
  FRAME_PAGECACHE,
} from './frames';
export {
  UserStruct,
  accountLockedVm,
  incUserLockedVm,
  decUserLockedVm,
  memlockLimitPages,
} from './accounting';
export type { MachineOptions, MmapOptions, Pfn, RlimitTask, AccountingView } from './types';
export { TASK_SIZE } from './mmap';
export { memoryViolations } from './invariants';
