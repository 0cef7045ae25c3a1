/**
 * A selftest device with its own domain on a naive or vfio-type1 IOAS (a
 * group attached to the container, under VFIO): the same ids, checkMap,
 * iovaToPhys and stats as objects/device.ts; detach hands the domain back
 * to the IOAS, whose strategy unmaps and unpins what it holds.
 */
import { fail } from '../../base';
import { MOCK_IO_PAGE_SIZE, type DomainStats, type IommuDomain } from '../../iommu';
import { u64Arg } from '../objects/args';
import { checkMapArgs, checkMapWalk } from '../objects/check-map';
import type { CtxForObjects, CtxObject, StrategyDomainShape } from './types';

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
    const granule = this.kind === 'mock' ? MOCK_IO_PAGE_SIZE : this.hw.minPageSize;
    const ctx = this.ioas.ctx;
    const r = checkMapArgs(ctx, iova, length, uptr, opts, granule);
    ctx.checkOpen('checkMap');
    if (this.detached) fail('ENOENT', `checkMap: domain ${this.id} was detached`);
    checkMapWalk(this.hw, this.id, r);
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
