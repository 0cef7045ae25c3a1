/**
 * A selftest mock device with its own domain (IOMMU_TEST_OP_MOCK_DOMAIN):
 * the device object, its iommufd_device and an automatically created
 * hw_pagetable holding a new domain ('mock' by default, or a radix
 * 'pagetable'), attached to one IOAS (iopt_table_add_domain). detach()
 * destroys the device, which removes the domain from the IOAS
 * (iopt_table_remove_domain) and frees it.
 */
import { fail } from '../../base';
import { createDomain, MOCK_IO_PAGE_SIZE, type DomainStats, type IommuDomain } from '../../iommu';
import { describeValue, enumArg, optsArg, u64Arg, uintArg, boolArg } from './args';
import { checkMapArgs, checkMapWalk } from './check-map';
import type { AttachedIoas, IommufdObject } from './types';

/** The reserved-range owner for a device's reserved regions. */
class DeviceOwner {
  deviceId = 0;
}

export class Domain implements IommufdObject {
  /** The hw_pagetable id (what the kernel returns as out_hwpt_id). */
  readonly id: number;
  /** The selftest device object id (out_stdev_id); destroying it detaches. */
  readonly deviceId: number;
  /** The iommufd_device id (out_idev_id). */
  readonly idevId: number;
  readonly kind: 'mock' | 'pagetable';
  readonly hw: IommuDomain;
  detached = false;
  private readonly owner: DeviceOwner;

  constructor(
    readonly ioas: AttachedIoas,
    ids: { deviceId: number; idevId: number; hwptId: number },
    hw: IommuDomain,
    owner: DeviceOwner,
  ) {
    this.id = ids.hwptId;
    this.deviceId = ids.deviceId;
    this.idevId = ids.idevId;
    this.hw = hw;
    this.kind = hw.kind;
    this.owner = owner;
  }

  private live(what: string): void {
    this.ioas.ctx.checkOpen(what);
    if (this.detached) fail('ENOENT', `${what}: domain ${this.id} was detached`);
  }

  /** The granularity of checkMap: the mock's IO page, or the table's smallest page. */
  get checkGranule(): number {
    return this.kind === 'mock' ? MOCK_IO_PAGE_SIZE : this.hw.minPageSize;
  }

  /**
   * IOMMU_TEST_OP_MD_CHECK_MAP: each granule of [iova, iova + length) must
   * map the frame behind uptr plus the in-page offset of uptr.
   */
  checkMap(iova: unknown, length: unknown, uptr: unknown, opts?: unknown): void {
    const r = checkMapArgs(this.ioas.ctx, iova, length, uptr, opts, this.checkGranule);
    this.live('checkMap');
    this.ioas.ctx.getObjectFault('checkMap');
    checkMapWalk(this.hw, this.id, r);
  }

  /** Physical address mapped at iova, or null. */
  iovaToPhys(iova: unknown): bigint | null {
    const i = u64Arg(iova, 'iova');
    this.ioas.ctx.checkOpen('iovaToPhys');
    if (this.detached) return null; // a freed domain maps nothing
    if (i > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    const p = this.hw.translate(Number(i));
    return p < 0 ? null : BigInt(p);
  }

  /** Destroy the device and its domain: detaches from the IOAS. */
  detach(): void {
    this.ioas.ctx.checkOpen('detach');
    if (this.detached) fail('ENOENT', `domain ${this.id} was already detached`);
    this.destroyForClose();
  }

  stats(): DomainStats {
    return this.hw.stats();
  }

  /** Detach without argument checks (close path); cannot fail. */
  destroyForClose(): void {
    if (this.detached) return;
    const ioas = this.ioas;
    ioas.iopt.tableRemoveDomain(this.hw);
    ioas.iopt.removeReservedIova(this.owner);
    this.hw.free();
    const i = ioas.domains.indexOf(this);
    if (i >= 0) ioas.domains.splice(i, 1);
    this.detached = true;
    const ctx = ioas.ctx;
    ctx.freeId(this.id);
    ctx.freeId(this.idevId);
    ctx.freeId(this.deviceId);
  }
}

/** IOMMU_TEST_OP_MOCK_DOMAIN on `ioas` with DomainOptions. */
export function attachDomainObject(ioas: AttachedIoas, opts: unknown): Domain {
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
  const batchApi = boolArg(o.batchApi, 'opts.batchApi', false) || ioas.ctx.env.batchApiAll === true;
  for (const k of Object.keys(o))
    if (!['kind', 'format', 'pageSizes', 'batchApi'].includes(k))
      fail('EINVAL', `opts.${k} is not a domain option`);
  const ctx = ioas.ctx;
  ioas.lookup('attachDomain');
  const ids: number[] = [];
  let hw: IommuDomain | null = null;
  const owner = new DeviceOwner();
  try {
    const deviceId = ctx.reserveId('selftest');
    ids.push(deviceId);
    const idevId = ctx.reserveId('device');
    ids.push(idevId);
    owner.deviceId = deviceId;
    const hwptId = ctx.reserveId('hw_pagetable');
    ids.push(hwptId);
    hw = createDomain(ctx.kernel, hwptId, { kind, format, pageSizes, batchApi });
    ctx.env.domainCreated(hw);
    // iopt_table_enforce_dev_resv_regions
    if (ctx.kernel.faults.shouldFail('resv_regions'))
      fail('ENOMEM', 'reserved region enforcement failed (injected)');
    for (const r of hw.reservedRegions()) ioas.iopt.reserveIova(BigInt(r.start), BigInt(r.last), owner);
    ioas.iopt.tableAddDomain(hw, ctx.owner);
    const dom = new Domain(ioas, { deviceId, idevId, hwptId }, hw, owner);
    ctx.setObject(deviceId, 'selftest', dom);
    ctx.setObject(idevId, 'device', dom);
    ctx.setObject(hwptId, 'hw_pagetable', dom);
    ioas.domains.push(dom);
    return dom;
  } catch (e) {
    ioas.iopt.removeReservedIova(owner);
    if (hw !== null) hw.free();
    for (const id of ids) ctx.freeId(id);
    throw e;
  }
}
