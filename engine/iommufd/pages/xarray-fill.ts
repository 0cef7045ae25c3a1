import { fail } from '../../base';
import type { Process } from '../../mm';
import type { IoptPages } from './iopt-pages';

/** iopt_pages_fill_xarray (§7.6) */
export function fillXarray(
  pages: IoptPages,
  start: number,
  last: number,
  out: Uint32Array,
  current: Process,
): void {
  void pages;
  void start;
  void last;
  void out;
  void current;
  fail('EINVAL', 'not implemented');
}

/** iopt_pages_fill_from_xarray (§7.6) */
export function fillFromXarray(pages: IoptPages, start: number, last: number, out: Uint32Array): void {
  void pages;
  void start;
  void last;
  void out;
}

/** iopt_pages_unfill_xarray (§7.6) */
export function unfillXarray(pages: IoptPages, start: number, last: number): void {
  void pages;
  void start;
  void last;
}
