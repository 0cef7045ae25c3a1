/** A cell with zero figures: the start of every cell, and the whole of a skipped or failed one. */
import type { StudyCell, StudyOperation } from '../../engine/scenario/study-file';
import { PAGE, type GroupSpec } from './spec';

export function blankCell(
  g: Pick<GroupSpec, 'strategy' | 'domains' | 'backing' | 'size'> & Partial<Pick<GroupSpec, 'machine'>>,
  operation: StudyOperation,
  status: StudyCell['status'] = 'ok',
  reason?: string,
): StudyCell {
  return {
    strategy: g.strategy,
    domains: g.domains,
    backing: g.backing,
    size: g.size,
    operation,
    status,
    ...(reason === undefined ? {} : { reason }),
    wallMs: 0,
    floorMs: 0,
    repeats: 0,
    counters: {
      iommuMapCalls: 0,
      iommuUnmapCalls: 0,
      iovaToPhysCalls: 0,
      pteWrites: 0,
      pinCalls: 0,
      pagesPinned: 0,
      pagesUnpinned: 0,
      readPfnsCalls: 0,
      mapPfnListCalls: 0,
    },
    tempMemoryPeakBytes: 0,
    engineBytes: 0,
    pages: g.size / PAGE,
    ...(g.machine === undefined ? {} : { machineOptions: g.machine }),
  };
}
