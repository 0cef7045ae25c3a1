/**
 * The xarray tier (IOMMUFD-ALGORITHMS.md §7.6): indexes covered by an access
 * hold their PFN in pages.pinnedPfns, so that removing a domain never needs
 * to allocate.
 */
import { fail } from '../../base';
import type { Process } from '../../mm';
import { DoubleSpanIter } from '../ds';
import { updateUnpinned, userUpdatePinned } from './accounting';
import { rawPagesFromDomain } from './batch-domain';
import type { IoptPages } from '../area-pages';
import { PfnBatch } from './pfn-batch';
import { PfnReaderUser } from './pfn-reader-user';

/**
 * pages_to_xarray: store out[off..] at indexes [start, last]; all or nothing
 * (fault injection fires at the midpoint element).
 */
function pagesToXarray(pages: IoptPages, start: number, last: number, src: Uint32Array, off: number): void {
  const xa = pages.pinnedPfns;
  const mid = start + Math.floor((last - start) / 2);
  for (let i = start; i <= last; i++) {
    if (i === mid && pages.kernel.faults.shouldFail('pages_to_xarray')) {
      if (i > start) xa.eraseRange(start, i - 1);
      pages.kernel.counters.xarrayErases += i - start;
      fail('ENOMEM', 'xarray store failed (injected)');
    }
    const old = xa.store(i, src[off + i - start]);
    if (old !== -1) pages.kernel.warn('pages', `xarray slot ${i} already occupied`);
  }
  pages.kernel.counters.xarrayStores += last - start + 1;
}

/** iopt_pages_fill_from_domain: per covering area, read from its storage domain. */
function fillFromDomains(pages: IoptPages, start: number, last: number, out: Uint32Array, off: number): void {
  let s = start;
  while (s <= last) {
    const node = pages.domainsItree.iterFirst(s, s);
    if (node === null || node.value.storageDomain === null) {
      pages.kernel.warn('pages', `no storage domain covers index ${s}`);
      return;
    }
    const area = node.value;
    const areaLast = Math.min(last, area.lastIndex);
    rawPagesFromDomain(
      area.storageDomain as NonNullable<typeof area.storageDomain>,
      area,
      s,
      areaLast,
      out,
      off + s - start,
    );
    s = areaLast + 1;
  }
}

/**
 * iopt_pages_fill_xarray: load [start, last] into the xarray and `out`.
 * On failure the xarray, pins and accounting are as before.
 */
export function fillXarray(
  pages: IoptPages,
  start: number,
  last: number,
  out: Uint32Array,
  current: Process,
): void {
  const xa = pages.pinnedPfns;
  const user = new PfnReaderUser(pages, current);
  user.useExternal(out, 0, last - start + 1);
  let xaEnd = start;
  const span = new DoubleSpanIter<number>();
  try {
    for (span.first(pages.accessItree, pages.domainsItree, start, last); !span.done(); span.next()) {
      const s = span.startUsed;
      const l = span.lastUsed;
      if (span.isUsed === 1) {
        for (let i = s; i <= l; i++) out[i - start] = xa.load(i);
        continue;
      }
      if (span.isUsed === 2) {
        fillFromDomains(pages, s, l, out, s - start);
        pagesToXarray(pages, s, l, out, s - start);
        xaEnd = l + 1;
        continue;
      }
      // hole: pin straight into out
      let cur = s;
      try {
        while (cur <= l) {
          user.upagesOff = cur - start;
          user.pin(cur, l);
          cur = user.upagesEnd;
        }
      } catch (e) {
        if (cur > s) {
          pages.phys.unpinPages(out, s - start, cur - s, false);
          pages.npinned -= cur - s;
          pages.pinGen++;
        }
        throw e;
      }
      try {
        pagesToXarray(pages, s, l, out, s - start);
      } catch (e) {
        pages.phys.unpinPages(out, s - start, l - s + 1, false);
        pages.npinned -= l - s + 1;
        pages.pinGen++;
        throw e;
      }
      xaEnd = l + 1;
    }
    userUpdatePinned(pages);
  } catch (e) {
    if (xaEnd !== start) unfillXarray(pages, start, xaEnd - 1);
    user.upages = null;
    user.destroy();
    throw e;
  }
  user.upages = null;
  user.destroy();
}

/** iopt_pages_fill_from_xarray: fast path, an access already covers [start, last]. */
export function fillFromXarray(pages: IoptPages, start: number, last: number, out: Uint32Array): void {
  const xa = pages.pinnedPfns;
  for (let i = start; i <= last; i++) {
    const pfn = xa.load(i);
    if (pfn < 0) pages.kernel.warn('pages', `xarray entry ${i} missing in fill_from_xarray`);
    out[i - start] = pfn;
  }
}

/**
 * iopt_pages_unfill_xarray: the access over [start, last] is gone (already
 * removed from access_itree). Unpin holes, drop copies of domain-held
 * indexes, keep what other accesses hold. Cannot fail.
 */
export function unfillXarray(pages: IoptPages, start: number, last: number): void {
  const xa = pages.pinnedPfns;
  let batch: PfnBatch | null = null;
  const span = new DoubleSpanIter<number>();
  for (span.first(pages.accessItree, pages.domainsItree, start, last); !span.done(); span.next()) {
    if (span.isUsed === 0) {
      if (batch === null) batch = PfnBatch.initBackup(pages.kernel, last - start + 1);
      let cur = span.startHole;
      while (cur <= span.lastHole) {
        batch.fromXarrayClear(xa, cur, span.lastHole);
        if (batch.totalPfns === 0) break; // entries missing: already warned
        batch.unpin(pages, 0, batch.totalPfns);
        cur += batch.totalPfns;
        batch.clear();
      }
    } else if (span.isUsed === 2) {
      const n = xa.eraseRange(span.startUsed, span.lastUsed);
      pages.kernel.counters.xarrayErases += n;
    }
  }
  if (batch !== null) batch.destroy();
  updateUnpinned(pages);
}
