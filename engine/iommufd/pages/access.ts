import { fail } from '../../base';
import type { Process } from '../../mm';
import type { IoptArea } from '../area';

/** iopt_area_add_access (§7.7): pins [start, last] and writes their PFNs to out[0..]. */
export function addAccess(
  area: IoptArea,
  start: number,
  last: number,
  out: Uint32Array,
  write: boolean,
  current: Process,
): void {
  void area;
  void start;
  void last;
  void out;
  void write;
  void current;
  fail('EINVAL', 'not implemented');
}

/** iopt_area_remove_access (§7.7) */
export function removeAccess(area: IoptArea, start: number, last: number): void {
  void area;
  void start;
  void last;
}
