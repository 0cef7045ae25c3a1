import { fail } from '../../base';
import type { Process } from '../../mm';
import type { IoptPages } from './iopt-pages';

export interface RwFlags {
  write: boolean;
  /** IOMMUFD_ACCESS_RW_SLOW_PATH (test builds): force change_mm. */
  slowPath: boolean;
  /** IOMMUFD_ACCESS_RW_KTHREAD */
  kthread?: boolean;
}

/** iopt_pages_rw_access (§7.8) */
export function rwAccess(
  pages: IoptPages,
  startByte: number,
  data: Uint8Array,
  dataOffset: number,
  length: number,
  flags: RwFlags,
  current: Process,
): void {
  void pages;
  void startByte;
  void data;
  void dataOffset;
  void length;
  void flags;
  void current;
  fail('EINVAL', 'not implemented');
}
