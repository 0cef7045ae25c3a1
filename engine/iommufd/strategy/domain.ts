/**
 * A selftest device with its own domain on a naive or vfio-type1 IOAS (a
 * group attached to the container, under VFIO): the same ids, checkMap,
 * iovaToPhys and stats as objects/device.ts; detach hands the domain back
 * to the IOAS, whose strategy unmaps and unpins what it holds.
 */
import { fail, PAGE_SIZE } from '../../base';
import { MOCK_IO_PAGE_SIZE, type DomainStats, type IommuDomain } from '../../iommu';
import { optsArg, u64Arg, uintArg } from '../objects/args';
import type { CtxForObjects, CtxObject, StrategyDomainShape } from './types';

function hex(x: bigint | number): string {
  return '0x' + x.toString(16);
}

/** What a domain uses of its IOAS (ioas.ts implements it). */
export interface DomainIoas {
  readonly ctx: CtxForObjects;
  detachDomain(d: StrategyDomain): void;
}

export class StrategyDomain implements StrategyDomainShape, CtxObject {
  readonly kind: 'mock' | 'pagetable';
  detached = false;

  constructor(
    readonly ioas: DomainIoas,
    readonly id: number,
    readonly deviceId: number,
    readonly idevId: number,
    readonly hw: IommuDomain,
  ) {
    this.kind = hw.kind;
  }

  checkMap(iova: unknown, length: unknown, uptr: unknown, opts?: unknown): void {
    const start = u64Arg(iova, 'iova');
    const len = u64Arg(length, 'length');
    const u = uintArg(uptr, 'uptr');
    const o = optsArg(opts, 'opts');
    const ctx = this.ioas.ctx;
    const proc = ctx.processArg(o.process, 'opts.process');
    const g = this.kind === 'mock' ? MOCK_IO_PAGE_SIZE : this.hw.minPageSize;
    const gb = BigInt(g);
    if (start % gb !== 0n)
      fail('EINVAL', `iova ${hex(start)} is not aligned to the domain's IO page size ${g}`);
    if (len % gb !== 0n)
      fail('EINVAL', `length ${hex(len)} is not a multiple of the domain's IO page size ${g}`);
    if (u % g !== 0) fail('EINVAL', `uptr ${hex(u)} is not aligned to the domain's IO page size ${g}`);
    ctx.checkOpen('checkMap');
    if (this.detached) fail('ENOENT', `checkMap: domain ${this.id} was detached`);
    const n = Number(len / gb);
    let cur = start;
    let ua = u;
    for (let i = 0; i < n; i++, cur += gb, ua += g) {
      let pfn = proc.translate(ua);
      if (pfn < 0) {
        proc.read(ua - (ua % PAGE_SIZE), 1);
        pfn = proc.translate(ua);
        if (pfn < 0) fail('EFAULT', `uptr ${hex(ua)} cannot be faulted in`);
      }
      const expect = pfn * PAGE_SIZE + (ua % PAGE_SIZE);
      const phys = cur > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : this.hw.translate(Number(cur));
      if (phys !== expect)
        fail(
          'EINVAL',
          phys < 0
            ? `iova ${hex(cur)} is not mapped in domain ${this.id}`
            : `iova ${hex(cur)} maps physical ${hex(phys)}, expected ${hex(expect)} (uptr ${hex(ua)})`,
          { iova: cur, expected: BigInt(expect), actual: phys < 0 ? null : BigInt(phys) },
        );
    }
  }

  iovaToPhys(iova: unknown): bigint | null {
    const i = u64Arg(iova, 'iova');
    this.ioas.ctx.checkOpen('iovaToPhys');
    if (this.detached || i > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    const p = this.hw.translate(Number(i));
    return p < 0 ? null : BigInt(p);
  }

  detach(): void {
    this.ioas.ctx.checkOpen('detach');
    if (this.detached) fail('ENOENT', `domain ${this.id} was already detached`);
    this.destroyForClose();
  }

  stats(): DomainStats {
    return this.hw.stats();
  }

  destroyForClose(): void {
    if (this.detached) return;
    this.ioas.detachDomain(this);
    this.detached = true;
    const ctx = this.ioas.ctx;
    ctx.freeId(this.id);
    ctx.freeId(this.idevId);
    ctx.freeId(this.deviceId);
  }
}
