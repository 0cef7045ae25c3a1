/**
 * Strategy 'naive': what a driver does with no shared PFN storage. Every
 * domain pins the mapping's pages itself (a page is pinned once per domain)
 * and keeps the page array (8 bytes per page per domain), maps page by page
 * (one iommu_map per PAGE_SIZE page) and unmaps page by page; every pin is
 * charged on its own (iommufd's accounting modes, once per pin). An access
 * item pins its own pages too. Nothing is shared between domains, so a
 * mapping with no domain holds nothing.
 */
import { PAGE_SIZE } from '../../base';
import { iommuMap, iommuUnmap, IOMMU_WRITE, type IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import { StrategyIoas } from './ioas';
import { accountModeFor, chargePinned, pinRange, type AccountMode } from './pinning';
import { Mapping, type MappingView } from './types';

export class NaiveMapping extends Mapping {
  /** Each domain's own pins: the page array it keeps for the unpin. */
  readonly pins = new Map<IommuDomain, Uint32Array>();
  /** Access pins inside this mapping: [first page index, pfns]. */
  readonly accessPins: { index: number; pfns: Uint32Array }[] = [];
  accounted = 0;
  constructor(
    iova: bigint,
    length: bigint,
    uptr: number,
    prot: number,
    task: Process,
    readonly mode: AccountMode,
  ) {
    super(iova, length, uptr, prot, task);
  }
}

interface NaiveToken {
  /** A write pin: its pages are unpinned dirty (unpin_user_pages_dirty_lock). */
  write: boolean;
  pieces: { m: NaiveMapping; entry: { index: number; pfns: Uint32Array } }[];
}

export class NaiveIoas extends StrategyIoas<NaiveMapping> {
  protected newMapping(
    iova: bigint,
    length: bigint,
    uptr: number,
    prot: number,
    task: Process,
  ): NaiveMapping {
    return new NaiveMapping(iova, length, uptr, prot, task, accountModeFor(task, this.ctx.accountModeMm));
  }

  private get writeFlag(): (m: Mapping) => boolean {
    return (m) => (m.prot & IOMMU_WRITE) !== 0;
  }

  /** Pin the whole mapping for one domain and map it page by page; all or nothing. */
  private pinAndMap(m: NaiveMapping, hw: IommuDomain): void {
    const n = m.npages;
    const pfns = new Uint32Array(n);
    const write = this.writeFlag(m);
    pinRange(m.task, m.uptr, n, write, pfns, 0);
    try {
      chargePinned(m.task, m.mode, n, true);
    } catch (e) {
      this.phys.unpinPages(pfns, 0, n, false);
      throw e;
    }
    let i = 0;
    try {
      for (; i < n; i++) iommuMap(hw, m.iovaOf(i), pfns[i] * PAGE_SIZE, PAGE_SIZE, m.prot);
    } catch (e) {
      for (let j = 0; j < i; j++) iommuUnmap(hw, m.iovaOf(j), PAGE_SIZE);
      chargePinned(m.task, m.mode, n, false);
      this.phys.unpinPages(pfns, 0, n, false);
      throw e;
    }
    m.accounted += n;
    m.pins.set(hw, pfns);
  }

  private unmapUnpin(m: NaiveMapping, hw: IommuDomain): void {
    const pfns = m.pins.get(hw);
    if (pfns === undefined) return;
    const n = m.npages;
    for (let i = 0; i < n; i++) iommuUnmap(hw, m.iovaOf(i), PAGE_SIZE);
    this.phys.unpinPages(pfns, 0, n, this.writeFlag(m));
    chargePinned(m.task, m.mode, n, false);
    m.accounted -= n;
    m.pins.delete(hw);
  }

  protected storeMapping(m: NaiveMapping): void {
    const done: IommuDomain[] = [];
    try {
      for (const hw of this.hw()) {
        this.pinAndMap(m, hw);
        done.push(hw);
      }
    } catch (e) {
      for (const hw of done) this.unmapUnpin(m, hw);
      throw e;
    }
  }

  protected removeMapping(m: NaiveMapping): void {
    for (const hw of [...m.pins.keys()]) this.unmapUnpin(m, hw);
  }

  protected hasAccessPins(m: NaiveMapping): boolean {
    return m.accessPins.length !== 0;
  }

  protected addDomain(hw: IommuDomain): void {
    const done: NaiveMapping[] = [];
    try {
      for (const m of this.mappings()) {
        this.pinAndMap(m, hw);
        done.push(m);
      }
    } catch (e) {
      for (const m of done) this.unmapUnpin(m, hw);
      throw e;
    }
  }

  protected removeDomain(hw: IommuDomain): void {
    for (const m of this.mappings()) this.unmapUnpin(m, hw);
  }

  protected disableHugePages(): void {
    // page-by-page maps never use a large IO page: nothing to change
  }

  accessPin(first: bigint, npages: number, write: boolean, out: Uint32Array): NaiveToken {
    const segs = this.segments(first, npages, write);
    const token: NaiveToken = { write, pieces: [] };
    try {
      for (const s of segs) {
        const pfns = out.subarray(s.offset, s.offset + s.count);
        pinRange(s.m.task, s.m.uptr + s.index * PAGE_SIZE, s.count, write, pfns, 0);
        try {
          chargePinned(s.m.task, s.m.mode, s.count, true);
        } catch (e) {
          this.phys.unpinPages(pfns, 0, s.count, false);
          throw e;
        }
        s.m.accounted += s.count;
        const entry = { index: s.index, pfns };
        s.m.accessPins.push(entry);
        token.pieces.push({ m: s.m, entry });
      }
    } catch (e) {
      this.releaseToken(token, false);
      throw e;
    }
    return token;
  }

  private releaseToken(token: NaiveToken, dirty: boolean): void {
    for (const { m, entry } of token.pieces) {
      const n = entry.pfns.length;
      this.phys.unpinPages(entry.pfns, 0, n, dirty);
      chargePinned(m.task, m.mode, n, false);
      m.accounted -= n;
      const i = m.accessPins.indexOf(entry);
      if (i >= 0) m.accessPins.splice(i, 1);
    }
  }

  accessUnpin(_first: bigint, _npages: number, token: unknown): void {
    const t = token as NaiveToken;
    this.releaseToken(t, t.write);
  }

  mappedInDomains(m: Mapping): boolean {
    return (m as NaiveMapping).pins.size !== 0;
  }

  view(mapping: Mapping): MappingView {
    const m = mapping as NaiveMapping;
    const n = m.npages;
    let accessPages = 0;
    for (const a of m.accessPins) accessPages += a.pfns.length;
    return {
      accounted: m.accounted,
      expectedAccounted: n * m.pins.size + accessPages,
      accountMode: m.mode,
      storageDomain: null,
      domainSpans: m.pins.size !== 0 ? [[0, n - 1]] : [],
      accessIntervals: m.accessPins
        .map((a) => [a.index, a.index + a.pfns.length - 1, 1] as [number, number, number])
        .sort((x, y) => x[0] - y[0]),
      numAccesses: m.accessPins.length,
      forEachPin(fn) {
        for (const pfns of m.pins.values()) for (let i = 0; i < n; i++) fn(pfns[i], 1);
        for (const a of m.accessPins) for (let i = 0; i < a.pfns.length; i++) fn(a.pfns[i], 1);
      },
      expectedPfn(hw, i) {
        const pfns = m.pins.get(hw);
        return pfns === undefined ? -1 : pfns[i];
      },
      // a page array (struct page *) per domain and per access pin, plus the mapping itself
      engineBytes: 64 + 8 * (n * m.pins.size + accessPages),
    };
  }
}
