/**
 * iopt_area_add_access / iopt_area_remove_access (IOMMUFD-ALGORITHMS.md
 * §7.7): an access is an interval lock over [start, last] of the pages;
 * identical ranges share one node, overlapping ranges get their own.
 */
import { fail } from '../../base';
import type { Process } from '../../mm';
import type { IoptArea, IoptPages, IoptPagesAccess } from '../area-pages';
import type { ItNode } from '../ds';
import { fillFromXarray, fillXarray, unfillXarray } from './xarray-fill';

function findExact(pages: IoptPages, start: number, last: number): ItNode<number, IoptPagesAccess> | null {
  const t = pages.accessItree;
  for (let n = t.iterFirst(start, last); n !== null; n = t.iterNext(n, start, last))
    if (n.start === start && n.last === last) return n;
  return null;
}

function pagesOf(area: IoptArea): IoptPages {
  const pages = area.pages;
  if (pages === null) {
    area.kernel.warn('pages', 'access on an area without pages');
    fail('EINVAL', 'area has no pages');
  }
  return pages;
}

/** iopt_area_add_access: pins [start, last] and writes their PFNs to out[0..]. */
export function addAccess(
  area: IoptArea,
  start: number,
  last: number,
  out: Uint32Array,
  write: boolean,
  current: Process,
): void {
  const pages = pagesOf(area);
  if (write && !pages.writable) fail('EPERM', 'write access to read-only pages');
  if (start > last || start < area.index || last > area.lastIndex)
    fail('EINVAL', 'access range outside the area');
  if (out.length < last - start + 1) fail('EINVAL', 'output array too small');
  const existing = findExact(pages, start, last);
  if (existing !== null) {
    area.numAccesses++;
    existing.value.users++;
    fillFromXarray(pages, start, last, out);
    return;
  }
  if (pages.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'iopt_pages_access allocation failed');
  fillXarray(pages, start, last, out, current);
  const access: IoptPagesAccess = { node: null, users: 1 };
  access.node = pages.accessItree.insert(start, last, access);
  area.numAccesses++;
}

/** iopt_area_remove_access */
export function removeAccess(area: IoptArea, start: number, last: number): void {
  const pages = area.pages;
  if (pages === null) {
    area.kernel.warn('pages', 'remove_access on an area without pages');
    return;
  }
  const node = findExact(pages, start, last);
  if (node === null) {
    pages.kernel.warn('pages', `remove_access of [${start}, ${last}] that was never added`);
    return;
  }
  const access = node.value;
  if (area.numAccesses === 0 || access.users === 0)
    pages.kernel.warn('pages', 'access counters already zero');
  area.numAccesses--;
  access.users--;
  if (access.users > 0) return;
  pages.accessItree.remove(node);
  access.node = null;
  unfillXarray(pages, start, last);
}
