/**
 * The IOAS of a naive or vfio-type1 machine (a VFIO container, under
 * type1): argument checks in the order of objects/ioas.ts, the IOVA space
 * (iova-space.ts), the attached domains and accesses, and the unmap walk
 * (iommufd's: areas fully inside the range go one by one, a straddling
 * mapping stops it with ENOENT, access pins are notified up to 100 times,
 * then EDEADLOCK). What a mapping costs — pins, accounting, map calls — is
 * the strategy's: naive.ts and vfio-type1.ts implement the abstract hooks.
 */
import { fail, PAGE_SIZE, U64_MAX, ULONG_MAX } from '../../base';
import { createDomain, IOMMU_READ, IOMMU_WRITE, type IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import {
  boolArg,
  describeValue,
  enumArg,
  optionNameArg,
  optionValueArg,
  optsArg,
  u64Arg,
  uintArg,
} from '../objects/args';
import type { AccessIoas, StrategyAccess } from './access';
import { StrategyDomain, type DomainIoas } from './domain';
import { IovaSpace } from './iova-space';
import { unsupported } from './names';
import type { CtxForObjects, CtxObject, IoasView, Mapping, MappingView, StrategyIoasShape } from './types';

const PAGE = BigInt(PAGE_SIZE);
const UNMAP_MAX_TRIES = 100;

function hex(x: bigint | number): string {
  return '0x' + x.toString(16);
}

/** One contiguous piece of an access range inside one mapping. */
export interface Segment<M extends Mapping> {
  m: M;
  /** First page index inside the mapping. */
  index: number;
  count: number;
  /** Offset of its first page in the caller's page array. */
  offset: number;
}

export abstract class StrategyIoas<M extends Mapping>
  implements StrategyIoasShape, CtxObject, AccessIoas, DomainIoas, IoasView
{
  readonly space = new IovaSpace();
  readonly doms: StrategyDomain[] = [];
  readonly accs: StrategyAccess[] = [];
  destroyed = false;

  constructor(
    readonly ctx: CtxForObjects,
    readonly id: number,
  ) {}

  // ------------------------------------------------------ strategy hooks

  protected abstract newMapping(iova: bigint, length: bigint, uptr: number, prot: number, task: Process): M;
  /** Pin and map into every attached domain; the state is unchanged when it throws. */
  protected abstract storeMapping(m: M): void;
  /** Unmap from every domain, unpin, unaccount (no access pins left). */
  protected abstract removeMapping(m: M): void;
  protected abstract hasAccessPins(m: M): boolean;
  /** A new domain on a populated IOAS (hw is not in doms yet); unchanged when it throws. */
  protected abstract addDomain(hw: IommuDomain): void;
  /** A domain leaves (still in doms when called). */
  protected abstract removeDomain(hw: IommuDomain): void;
  abstract accessPin(first: bigint, npages: number, write: boolean, out: Uint32Array): unknown;
  abstract accessUnpin(first: bigint, npages: number, token: unknown): void;
  abstract view(m: Mapping): MappingView;
  abstract mappedInDomains(m: Mapping): boolean;
  /** HUGE_PAGES = 0 (disable large IO pages). */
  protected abstract disableHugePages(): void;

  // ------------------------------------------------------ helpers

  get alignment(): number {
    let a = PAGE_SIZE;
    for (const d of this.doms) if (d.hw.minPageSize > a) a = d.hw.minPageSize;
    return a;
  }

  hw(): IommuDomain[] {
    return this.doms.map((d) => d.hw);
  }

  mappings(): M[] {
    return this.space.inRange() as M[];
  }

  lookup(what: string): void {
    this.ctx.checkOpen(what);
    if (this.destroyed) fail('ENOENT', `${what}: IOAS ${this.id} was destroyed`);
  }

  protected get phys(): import('../../mm').PhysMemory {
    return this.ctx.env.memory.phys;
  }

  /**
   * The mappings covering [first, first + npages pages) with no gap (ENOENT)
   * and the protection asked (EPERM), as per-mapping page segments.
   */
  protected segments(first: bigint, npages: number, write: boolean): Segment<M>[] {
    const last = first + BigInt(npages) * PAGE - 1n;
    const out: Segment<M>[] = [];
    let cur = first;
    let offset = 0;
    for (const m of this.space.inRange(first, last) as M[]) {
      if (m.iova > cur) break;
      if ((m.prot & (write ? IOMMU_WRITE : IOMMU_READ)) === 0)
        fail('EPERM', `the mapping at ${hex(m.iova)} is not mapped for ${write ? 'write' : 'read'}`);
      const end = m.last < last ? m.last : last;
      const index = Number((cur - m.iova) / PAGE);
      const count = Number((end - cur + 1n) / PAGE);
      out.push({ m, index, count, offset });
      offset += count;
      cur = end + 1n;
    }
    if (cur <= last)
      fail(
        'ENOENT',
        `[${hex(first)}, ${hex(last)}] is not fully covered by contiguous mappings (gap at ${hex(cur)})`,
      );
    return out;
  }

  // ------------------------------------------------------ Ioas API

  map(uptr: unknown, length: unknown, opts?: unknown): bigint {
    const u = uintArg(uptr, 'uptr');
    const len = u64Arg(length, 'length');
    const o = optsArg(opts, 'opts');
    const fixed = o.iova !== undefined;
    const iova = fixed ? u64Arg(o.iova, 'opts.iova') : 0n;
    const read = boolArg(o.read, 'opts.read', true);
    const write = boolArg(o.write, 'opts.write', true);
    const prot = (read ? IOMMU_READ : 0) | (write ? IOMMU_WRITE : 0);
    const current = this.ctx.processArg(o.process, 'opts.process');
    if (iova >= ULONG_MAX) fail('EOVERFLOW', `opts.iova ${hex(iova)} must be below ULONG_MAX`);
    if (len >= ULONG_MAX) fail('EOVERFLOW', `length ${hex(len)} must be below ULONG_MAX`);
    if (prot === 0) fail('EINVAL', 'opts.read and opts.write are both false: a mapping needs read or write');
    this.lookup('map');
    if (len === 0n) fail('EINVAL', 'length must be non-zero');
    if (u % PAGE_SIZE !== 0 || len % PAGE !== 0n)
      fail(
        'EINVAL',
        `under strategy '${this.ctx.strategy}' a mapping is whole pages: uptr ${hex(u)} and length ${hex(len)} must be multiples of PAGE_SIZE`,
      );
    if (!Number.isSafeInteger(u + Number(len)))
      fail('EOVERFLOW', `uptr ${hex(u)} + length ${hex(len)} overflows`);
    const at = fixed ? iova : this.space.alloc(u, len, this.alignment);
    if (fixed) this.space.checkFixed(at, len, this.alignment);
    const m = this.newMapping(at, len, u, prot, current);
    this.storeMapping(m);
    this.space.insert(m);
    return at;
  }

  unmap(iova: unknown, length: unknown): bigint {
    const start = u64Arg(iova, 'iova');
    const len = u64Arg(length, 'length');
    this.lookup('unmap');
    if (start === 0n && len === U64_MAX) return this.unmapAll();
    if (start >= ULONG_MAX) fail('EOVERFLOW', `iova ${hex(start)} must be below ULONG_MAX`);
    if (len >= ULONG_MAX) fail('EOVERFLOW', `length ${hex(len)} must be below ULONG_MAX`);
    if (len === 0n) fail('EINVAL', 'length must be non-zero');
    const last = start + len - 1n;
    if (last > ULONG_MAX) fail('EOVERFLOW', `iova ${hex(start)} + length ${hex(len)} overflows`);
    return this.unmapRange(start, last);
  }

  private unmapAll(): bigint {
    try {
      return this.unmapRange(0n, ULONG_MAX);
    } catch (e) {
      if (e instanceof Error && (e as { errno?: string }).errno === 'ENOENT') return 0n;
      throw e;
    }
  }

  private unmapRange(from: bigint, last: bigint): bigint {
    let start = from;
    let unmapped = 0n;
    let tries = 0;
    const stop = (errno: 'ENOENT' | 'EDEADLOCK', msg: string): never =>
      fail(errno, unmapped === 0n ? msg : `${msg} (${hex(unmapped)} bytes were unmapped before)`, {
        unmapped,
      });
    for (;;) {
      const n = this.space.maps.iterFirst(start, last);
      if (n === null) break;
      const m = n.value as M;
      if (m.iova < start || m.last > last)
        stop(
          'ENOENT',
          `the mapping [${hex(m.iova)}, ${hex(m.last)}] is not fully inside the range [${hex(start)}, ${hex(last)}]; unmap cannot cut a mapping`,
        );
      if (m.iova !== start) tries = 0;
      if (this.hasAccessPins(m)) {
        start = m.iova;
        for (const a of this.accs.slice()) a.notifyUnmap(m.iova, m.length);
        if (++tries > UNMAP_MAX_TRIES)
          stop(
            'EDEADLOCK',
            `the mapping [${hex(m.iova)}, ${hex(m.last)}] is still pinned by an access after ${UNMAP_MAX_TRIES} unmap notifications`,
          );
        continue;
      }
      this.removeMapping(m);
      this.space.remove(m);
      unmapped += m.length;
    }
    if (unmapped === 0n) fail('ENOENT', `no mapping in [${hex(start)}, ${hex(last)}]`, { unmapped });
    return unmapped;
  }

  copyFrom(): bigint {
    return unsupported(this.ctx.strategy, 'copyFrom', 'it has no pages object two IOASes could share');
  }

  iovaRanges(capacity?: unknown): { ranges: { start: bigint; last: bigint }[]; alignment: bigint } {
    const cap = capacity === undefined ? Infinity : uintArg(capacity, 'capacity');
    this.lookup('iovaRanges');
    const ranges = this.space.ranges();
    if (ranges.length > cap)
      fail('EMSGSIZE', `capacity ${cap} is smaller than the ${ranges.length} IOVA ranges`, {
        numIovas: ranges.length,
        ranges: ranges.slice(0, cap),
      });
    return { ranges, alignment: BigInt(this.alignment) };
  }

  allowIovas(ranges: unknown): void {
    if (!Array.isArray(ranges)) fail('EINVAL', `ranges must be an array, got ${describeValue(ranges)}`);
    this.lookup('allowIovas');
    if (ranges.length !== 0) unsupported(this.ctx.strategy, 'allowIovas', 'it has no allowed-IOVA list');
  }

  addReserved(start: unknown, length: unknown): void {
    const s = u64Arg(start, 'start');
    const len = u64Arg(length, 'length');
    if (len === 0n) fail('EINVAL', 'length must be non-zero');
    if (s + len - 1n > ULONG_MAX) fail('EOVERFLOW', `start ${hex(s)} + length ${hex(len)} overflows`);
    this.lookup('addReserved');
    this.space.reserve(s, s + len - 1n, null);
  }

  private hugePages = 1;

  getOption(name: unknown): number {
    optionNameArg(name, 'HUGE_PAGES');
    this.lookup('getOption');
    return this.hugePages;
  }

  setOption(name: unknown, value: unknown): void {
    optionNameArg(name, 'HUGE_PAGES');
    const v = optionValueArg(value, 'value');
    this.lookup('setOption');
    if (v !== 0 && v !== 1) fail('EINVAL', `HUGE_PAGES value must be 0 or 1, got ${v}`);
    if (v === 0 && this.hugePages === 1) this.disableHugePages();
    this.hugePages = v;
  }

  attachDomain(opts?: unknown): StrategyDomain {
    const o = optsArg(opts, 'opts');
    const kind = enumArg(o.kind, 'opts.kind', ['mock', 'pagetable'] as const, 'mock');
    const format =
      o.format === undefined
        ? undefined
        : enumArg(o.format, 'opts.format', ['x86_64', 'arm64_4k'] as const, 'x86_64');
    let pageSizes: number[] | undefined;
    if (o.pageSizes !== undefined) {
      if (!Array.isArray(o.pageSizes))
        fail('EINVAL', `opts.pageSizes must be an array, got ${describeValue(o.pageSizes)}`);
      pageSizes = (o.pageSizes as unknown[]).map((s, i) => uintArg(s, `opts.pageSizes[${i}]`));
    }
    const batchApi = boolArg(o.batchApi, 'opts.batchApi', false);
    for (const k of Object.keys(o))
      if (!['kind', 'format', 'pageSizes', 'batchApi'].includes(k))
        fail('EINVAL', `opts.${k} is not a domain option`);
    this.lookup('attachDomain');
    if (batchApi)
      unsupported(
        this.ctx.strategy,
        'attachDomain({ batchApi: true })',
        "the batch API is iommufd's proposal (strategy 'iommufd+batch-api')",
      );
    const ctx = this.ctx;
    const ids: number[] = [];
    let hw: IommuDomain | null = null;
    try {
      const deviceId = ctx.reserveId('selftest');
      ids.push(deviceId);
      const idevId = ctx.reserveId('device');
      ids.push(idevId);
      const hwptId = ctx.reserveId('hw_pagetable');
      ids.push(hwptId);
      hw = createDomain(ctx.kernel, hwptId, { kind, format, pageSizes });
      ctx.env.domainCreated(hw);
      if (hw.minPageSize > PAGE_SIZE)
        fail('EINVAL', `domain ${hwptId}: smallest IO page size ${hw.minPageSize} is above PAGE_SIZE`);
      const apStart = BigInt(hw.apertureStart);
      const apEnd = BigInt(hw.apertureEnd);
      if (apStart !== 0n) this.space.reserve(0n, apStart - 1n, hw);
      if (apEnd !== ULONG_MAX) this.space.reserve(apEnd + 1n, ULONG_MAX, hw);
      for (const r of hw.reservedRegions()) this.space.reserve(BigInt(r.start), BigInt(r.last), hw);
      this.addDomain(hw);
      const dom = new StrategyDomain(this, hwptId, deviceId, idevId, hw);
      ctx.setObject(deviceId, 'selftest', dom);
      ctx.setObject(idevId, 'device', dom);
      ctx.setObject(hwptId, 'hw_pagetable', dom);
      this.doms.push(dom);
      return dom;
    } catch (e) {
      if (hw !== null) {
        this.space.unreserve(hw);
        hw.free();
      }
      for (const id of ids) ctx.freeId(id);
      throw e;
    }
  }

  /** DomainIoas: the device goes away. */
  detachDomain(d: StrategyDomain): void {
    this.removeDomain(d.hw);
    const i = this.doms.indexOf(d);
    if (i >= 0) this.doms.splice(i, 1);
    this.space.unreserve(d.hw);
    d.hw.free();
  }

  /** AccessIoas: vfio_dma_rw / a CPU copy through the mapping's process memory. */
  accessRw(iova: bigint, buf: Uint8Array, write: boolean): void {
    const len = BigInt(buf.length);
    if (len === 0n) fail('EINVAL', 'length must be non-zero');
    const last = iova + len - 1n;
    if (last > ULONG_MAX) fail('EOVERFLOW', `iova ${hex(iova)} + length ${hex(len)} overflows`);
    let cur = iova;
    let off = 0;
    const pieces: { m: M; at: number; n: number; off: number }[] = [];
    for (const m of this.space.inRange(iova, last) as M[]) {
      if (m.iova > cur) break;
      if ((m.prot & (write ? IOMMU_WRITE : IOMMU_READ)) === 0)
        fail('EPERM', `the mapping at ${hex(m.iova)} is not mapped for ${write ? 'write' : 'read'}`);
      const end = m.last < last ? m.last : last;
      const n = Number(end - cur + 1n);
      pieces.push({ m, at: m.uptr + Number(cur - m.iova), n, off });
      off += n;
      cur = end + 1n;
    }
    if (cur <= last)
      fail(
        'ENOENT',
        `[${hex(iova)}, ${hex(last)}] is not fully covered by contiguous mappings (gap at ${hex(cur)})`,
      );
    for (const p of pieces) {
      if (write) p.m.task.mm.copyToUser(p.at, buf, p.off, p.n);
      else p.m.task.mm.copyFromUser(p.at, buf, p.off, p.n);
    }
    this.ctx.kernel.counters.rwBytes += buf.length;
  }

  accessRemoved(a: StrategyAccess): void {
    const i = this.accs.indexOf(a);
    if (i >= 0) this.accs.splice(i, 1);
  }

  destroy(): void {
    this.ctx.checkOpen('destroy');
    if (this.destroyed) fail('ENOENT', `IOAS ${this.id} was already destroyed`);
    if (this.doms.length !== 0 || this.accs.length !== 0)
      fail(
        'EBUSY',
        `IOAS ${this.id} is in use by ${this.doms.length} domain(s) and ${this.accs.length} access(es)`,
      );
    this.destroyForClose();
  }

  destroyForClose(): void {
    if (this.destroyed) return;
    try {
      this.unmapAll();
    } catch (e) {
      this.ctx.kernel.warn('ioas', `unmap of everything at destroy failed: ${(e as Error).message}`);
    }
    this.space.unreserve(null);
    this.destroyed = true;
    this.ctx.freeId(this.id);
  }

  // ------------------------------------------------------ IoasView

  domains(): { id: number; deviceId: number; kind: string; hw: IommuDomain }[] {
    return this.doms.map((d) => ({ id: d.id, deviceId: d.deviceId, kind: d.kind, hw: d.hw }));
  }

  accesses(): {
    id: number;
    needsPinPages: boolean;
    items: readonly import('./types').StrategyAccessItem[];
  }[] {
    return this.accs.map((a) => ({ id: a.id, needsPinPages: a.needsPinPages, items: a.items }));
  }

  reserved(): [bigint, bigint, string][] {
    return [...this.space.reserved].map((n) => {
      const o = n.value.owner as { id?: unknown } | null;
      return [n.start, n.last, o === null ? 'test' : typeof o.id === 'number' ? `domain ${o.id}` : 'device'];
    });
  }
}
