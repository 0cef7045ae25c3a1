/**
 * The IOAS object (ioas.c): an io_pagetable plus the IOMMU_IOAS_* ioctls and
 * the IOAS test ops. Argument checks follow the ioctl handlers: struct field
 * checks first (EOVERFLOW for IOVAs/lengths at or above ULONG_MAX, EINVAL for
 * neither read nor write), then the object lookup, then the io_pagetable.
 */
import { fail, U64_MAX, ULONG_MAX } from '../../base';
import { IOMMU_READ, IOMMU_WRITE } from '../../iommu/types';
import { freePagesList } from '../io-pagetable/map';
import { IoPagetable } from '../io-pagetable/io-pagetable';
import { iovaRanges } from '../io-pagetable/reserved';
import type { Access } from './access';
import { boolArg, describeValue, optionNameArg, optionValueArg, optsArg, u64Arg, uintArg } from './args';
import { attachDomainObject, type Domain } from './device';
import type { AttachedIoas, ObjectContext } from './types';

function protOf(o: Record<string, unknown>): number {
  const read = boolArg(o.read, 'opts.read', true);
  const write = boolArg(o.write, 'opts.write', true);
  return (read ? IOMMU_READ : 0) | (write ? IOMMU_WRITE : 0);
}

function hex(x: bigint): string {
  return '0x' + x.toString(16);
}

export class Ioas implements AttachedIoas {
  readonly iopt: IoPagetable;
  /** Devices (with their domains) attached to this IOAS, in attach order. */
  readonly domains: Domain[] = [];
  /** In-kernel accesses attached to this IOAS. */
  readonly accesses: Access[] = [];
  destroyed = false;

  private constructor(
    readonly ctx: ObjectContext,
    readonly id: number,
  ) {
    this.iopt = new IoPagetable(ctx.kernel);
  }

  /** iommufd_ioas_alloc */
  static alloc(ctx: ObjectContext): Ioas {
    const id = ctx.reserveId('ioas');
    const ioas = new Ioas(ctx, id);
    ctx.setObject(id, 'ioas', ioas);
    return ioas;
  }

  /** iommufd_get_ioas: the object must exist (ENOENT), with the test build's fault point. */
  lookup(what: string): void {
    this.ctx.checkOpen(what);
    if (this.destroyed) fail('ENOENT', `${what}: IOAS ${this.id} was destroyed`);
    this.ctx.getObjectFault(what);
  }

  /** IOMMU_IOAS_MAP */
  map(uptr: unknown, length: unknown, opts?: unknown): bigint {
    const u = uintArg(uptr, 'uptr');
    const len = u64Arg(length, 'length');
    const o = optsArg(opts, 'opts');
    const fixed = o.iova !== undefined;
    const iova = fixed ? u64Arg(o.iova, 'opts.iova') : 0n;
    const prot = protOf(o);
    const current = this.ctx.processArg(o.process, 'opts.process');
    if (iova >= ULONG_MAX) fail('EOVERFLOW', `opts.iova ${hex(iova)} must be below ULONG_MAX`);
    if (len >= ULONG_MAX) fail('EOVERFLOW', `length ${hex(len)} must be below ULONG_MAX`);
    if (prot === 0) fail('EINVAL', 'opts.read and opts.write are both false: a mapping needs read or write');
    this.lookup('map');
    return this.iopt.mapUserPages(this.ctx, current, iova, u, len, prot, { allocIova: !fixed });
  }

  /** IOMMU_IOAS_UNMAP: returns bytes unmapped. (0, U64_MAX) unmaps everything. */
  unmap(iova: unknown, length: unknown): bigint {
    const start = u64Arg(iova, 'iova');
    const len = u64Arg(length, 'length');
    // iommufd_ioas_unmap gets the IOAS before it checks for overflow
    this.lookup('unmap');
    if (start === 0n && len === U64_MAX) return this.iopt.unmapAll();
    if (start >= ULONG_MAX) fail('EOVERFLOW', `iova ${hex(start)} must be below ULONG_MAX`);
    if (len >= ULONG_MAX) fail('EOVERFLOW', `length ${hex(len)} must be below ULONG_MAX`);
    return this.iopt.unmapIova(start, len);
  }

  /** IOMMU_IOAS_COPY from `src` into this IOAS. */
  copyFrom(src: unknown, srcIova: unknown, length: unknown, opts?: unknown): bigint {
    if (!(src instanceof Ioas)) fail('EINVAL', `src must be an Ioas, got ${describeValue(src)}`);
    const sIova = u64Arg(srcIova, 'srcIova');
    const len = u64Arg(length, 'length');
    const o = optsArg(opts, 'opts');
    const fixed = o.iova !== undefined;
    const dIova = fixed ? u64Arg(o.iova, 'opts.iova') : 0n;
    const prot = protOf(o);
    const current = this.ctx.processArg(o.process, 'opts.process');
    if (len >= ULONG_MAX) fail('EOVERFLOW', `length ${hex(len)} must be below ULONG_MAX`);
    if (sIova >= ULONG_MAX) fail('EOVERFLOW', `srcIova ${hex(sIova)} must be below ULONG_MAX`);
    if (dIova >= ULONG_MAX) fail('EOVERFLOW', `opts.iova ${hex(dIova)} must be below ULONG_MAX`);
    if (prot === 0) fail('EINVAL', 'opts.read and opts.write are both false: a mapping needs read or write');
    this.ctx.checkOpen('copyFrom');
    if (src.ctx !== this.ctx) fail('ENOENT', `src: IOAS ${src.id} belongs to another iommufd context`);
    src.lookup('copyFrom (src)');
    const list = src.iopt.getPages(sIova, len);
    try {
      this.lookup('copyFrom (destination)');
      return this.iopt.mapPages(list, len, dIova, prot, { allocIova: !fixed }, current);
    } finally {
      freePagesList(this.iopt, list);
    }
  }

  /** IOMMU_IOAS_IOVA_RANGES: the holes of the reserved ranges, and the alignment. */
  iovaRanges(capacity?: unknown): { ranges: { start: bigint; last: bigint }[]; alignment: bigint } {
    const cap = capacity === undefined ? Infinity : uintArg(capacity, 'capacity');
    this.lookup('iovaRanges');
    const ranges = iovaRanges(this.iopt);
    if (ranges.length > cap)
      fail('EMSGSIZE', `capacity ${cap} is smaller than the ${ranges.length} IOVA ranges`, {
        numIovas: ranges.length,
        ranges: ranges.slice(0, cap),
      });
    return { ranges, alignment: BigInt(this.iopt.iovaAlignment) };
  }

  /** IOMMU_IOAS_ALLOW_IOVAS: replaces the allowed list; [] clears it. */
  allowIovas(ranges: unknown): void {
    if (!Array.isArray(ranges)) fail('EINVAL', `ranges must be an array, got ${describeValue(ranges)}`);
    const list = (ranges as unknown[]).map((r, i) => {
      const o =
        r !== null && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>) : null;
      if (o === null)
        fail('EINVAL', `ranges[${i}] must be an object { start, last }, got ${describeValue(r)}`);
      return { start: u64Arg(o.start, `ranges[${i}].start`), last: u64Arg(o.last, `ranges[${i}].last`) };
    });
    this.lookup('allowIovas');
    this.iopt.setAllowIova(list);
  }

  /** IOMMU_TEST_OP_ADD_RESERVED: reserve [start, start + length), owner null. */
  addReserved(start: unknown, length: unknown): void {
    const s = u64Arg(start, 'start');
    const len = u64Arg(length, 'length');
    if (len === 0n) fail('EINVAL', 'length must be non-zero');
    if (s + len - 1n > ULONG_MAX) fail('EOVERFLOW', `start ${hex(s)} + length ${hex(len)} overflows`);
    this.lookup('addReserved');
    this.iopt.reserveIova(s, s + len - 1n, null);
  }

  /** IOMMU_OPTION on the IOAS: 'HUGE_PAGES' (1 = large pages allowed). */
  getOption(name: unknown): number {
    optionNameArg(name, 'HUGE_PAGES');
    this.lookup('getOption');
    return this.iopt.disableLargePages ? 0 : 1;
  }

  setOption(name: unknown, value: unknown): void {
    optionNameArg(name, 'HUGE_PAGES');
    const v = optionValueArg(value, 'value');
    this.lookup('setOption');
    if (v === 0) this.iopt.disableLargePagesOp();
    else if (v === 1) this.iopt.enableLargePagesOp();
    else fail('EINVAL', `HUGE_PAGES value must be 0 or 1, got ${v}`);
  }

  /** IOMMU_TEST_OP_MOCK_DOMAIN: a new device with a new domain attached here. */
  attachDomain(opts?: unknown): Domain {
    return attachDomainObject(this, opts);
  }

  /** IOMMU_DESTROY: EBUSY while a domain or an access refers to it. */
  destroy(): void {
    this.ctx.checkOpen('destroy');
    if (this.destroyed) fail('ENOENT', `IOAS ${this.id} was already destroyed`);
    if (this.domains.length !== 0 || this.accesses.length !== 0)
      fail(
        'EBUSY',
        `IOAS ${this.id} is in use by ${this.domains.length} domain(s) and ${this.accesses.length} access(es)`,
      );
    this.destroyForClose();
  }

  /** iommufd_ioas_destroy: unmap everything, drop test reservations, free the id. */
  destroyForClose(): void {
    if (this.destroyed) return;
    try {
      this.iopt.unmapAll();
    } catch (e) {
      this.ctx.kernel.warn('ioas', `unmap of everything at destroy failed: ${(e as Error).message}`);
    }
    this.iopt.removeReservedIova(null);
    this.destroyed = true;
    this.ctx.freeId(this.id);
  }
}
