/**
 * An in-kernel access user of an IOAS, as the selftest's access driver
 * (IOMMU_TEST_OP_CREATE_ACCESS, ACCESS_PAGES, DESTROY_ACCESS_PAGES,
 * ACCESS_RW): pinned items, the unmap callback, read/write.
 *
 * onUnmap 'unpin' is the selftest driver (unpin every item intersecting the
 * unmapped range); 'ignore' is a driver that keeps its pins, which makes the
 * unmap fail with EDEADLOCK after the retry limit.
 */
import { fail, PAGE_SIZE } from '../../base';
import type { IoptAccessUser } from '../io-pagetable/io-pagetable';
import { checkPinnedPages, pinnedItemIndex, unpinItemId } from './access-items';
import { accessPinPages, accessRw, accessUnpinPages } from './access-pages';
import { boolArg, describeValue, optsArg, u64Arg, uintArg } from './args';
import type { AttachedIoas, IommufdObject, ObjectContext } from './types';

/** The selftest refuses pins and rw above 16 MiB (before kvzalloc). */
export const ACCESS_MAX_LENGTH = 16 * 1024 * 1024;

export class AccessItem {
  /** The PFNs the pin returned, one per page (for the uptr check and the UI). */
  readonly pfns: Uint32Array;
  constructor(
    readonly id: number,
    readonly iova: bigint,
    readonly length: bigint,
    pfns: Uint32Array,
  ) {
    this.pfns = pfns;
  }
}

const isAccessItem = (x: unknown): x is AccessItem => x instanceof AccessItem;

function hex(x: bigint | number): string {
  return '0x' + x.toString(16);
}

export class Access implements IoptAccessUser, IommufdObject {
  readonly id: number;
  readonly iovaAlignment: number;
  ioas: AttachedIoas | null;
  closed = false;
  private readonly list: AccessItem[] = [];
  /** The selftest's staccess->next_id: kzalloc'd, so the first item of every access is 0. */
  private nextItemId = 0;
  /** ops->unmap calls received. */
  unmapNotifications = 0;

  constructor(
    readonly ctx: ObjectContext,
    id: number,
    ioas: AttachedIoas,
    readonly needsPinPages: boolean,
    readonly onUnmap: 'unpin' | 'ignore',
  ) {
    this.id = id;
    this.ioas = ioas;
    this.iovaAlignment = needsPinPages ? PAGE_SIZE : 1;
  }

  private live(what: string): AttachedIoas {
    this.ctx.checkOpen(what);
    if (this.closed || this.ioas === null) fail('ENOENT', `${what}: access ${this.id} was closed`);
    return this.ioas;
  }

  get items(): AccessItem[] {
    return this.list.slice();
  }

  /** IOMMU_TEST_OP_ACCESS_PAGES */
  pin(iova: unknown, length: unknown, opts?: unknown): AccessItem {
    const start = u64Arg(iova, 'iova');
    const len = u64Arg(length, 'length');
    const o = optsArg(opts, 'opts');
    const write = boolArg(o.write, 'opts.write', false);
    const uptr = o.uptr === undefined ? undefined : uintArg(o.uptr, 'opts.uptr');
    // iommufd_test_access_pages: the 16 MiB check comes before the access lookup
    this.ctx.checkOpen('pin');
    if (len > BigInt(ACCESS_MAX_LENGTH))
      fail('ENOMEM', `length ${hex(len)} is above the 16 MiB limit of a pin`);
    const ioas = this.live('pin');
    if (!this.needsPinPages)
      fail('EINVAL', `access ${this.id} was created without needsPinPages and cannot pin`);
    const kernel = this.ctx.kernel;
    const first = start - (start % BigInt(PAGE_SIZE));
    const end = start + len;
    const npages = Number((end + BigInt(PAGE_SIZE - 1)) / BigInt(PAGE_SIZE) - first / BigInt(PAGE_SIZE));
    if (kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'page array allocation failed');
    const pfns = new Uint32Array(Math.max(npages, 0));
    accessPinPages(ioas.iopt, start, len, pfns, write, this.ctx.owner);
    try {
      if (uptr !== undefined)
        checkPinnedPages(this.ctx.owner, uptr - Number(start % BigInt(PAGE_SIZE)), pfns);
      if (kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'access item allocation failed');
    } catch (e) {
      accessUnpinPages(ioas.iopt, start, len);
      throw e;
    }
    const item = new AccessItem(this.nextItemId++, start, len, pfns);
    this.list.push(item);
    return item;
  }

  /** IOMMU_TEST_OP_DESTROY_ACCESS_PAGES */
  unpin(item: unknown): void {
    const id = unpinItemId(item, isAccessItem);
    const ioas = this.live('unpin');
    const i = pinnedItemIndex(this.list, id, item, isAccessItem, this.id);
    const it = this.list[i];
    accessUnpinPages(ioas.iopt, it.iova, it.length);
    this.list.splice(i, 1);
  }

  /** IOMMU_TEST_OP_ACCESS_RW, read direction. */
  read(iova: unknown, length: unknown, opts?: unknown): Uint8Array {
    const start = u64Arg(iova, 'iova');
    const len = uintArg(length, 'length');
    const o = optsArg(opts, 'opts');
    const slowPath = boolArg(o.slowPath, 'opts.slowPath', false);
    this.ctx.checkOpen('read');
    if (len > ACCESS_MAX_LENGTH)
      fail('ENOMEM', `length ${hex(len)} is above the 16 MiB limit of an access read`);
    const ioas = this.live('read');
    if (this.ctx.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'bounce buffer allocation failed');
    const buf = new Uint8Array(len);
    accessRw(ioas.iopt, start, buf, len, { write: false, slowPath }, this.ctx.owner);
    return buf;
  }

  /** IOMMU_TEST_OP_ACCESS_RW, write direction. */
  write(iova: unknown, data: unknown, opts?: unknown): void {
    const start = u64Arg(iova, 'iova');
    if (!(data instanceof Uint8Array))
      fail('EINVAL', `data must be a Uint8Array, got ${describeValue(data)}`);
    const o = optsArg(opts, 'opts');
    const slowPath = boolArg(o.slowPath, 'opts.slowPath', false);
    this.ctx.checkOpen('write');
    if (data.length > ACCESS_MAX_LENGTH)
      fail('ENOMEM', `data length ${hex(data.length)} is above the 16 MiB limit of an access write`);
    const ioas = this.live('write');
    if (this.ctx.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'bounce buffer allocation failed');
    const buf = data.slice();
    accessRw(ioas.iopt, start, buf, buf.length, { write: true, slowPath }, this.ctx.owner);
  }

  /** ops->unmap: the selftest driver unpins every item intersecting the range. */
  notifyUnmap(iova: bigint, length: bigint): void {
    this.unmapNotifications++;
    if (this.onUnmap === 'ignore') return;
    this.unpinRange(iova, iova + length - 1n);
  }

  private unpinRange(start: bigint, last: bigint): void {
    if (this.ioas === null) return;
    for (const it of this.list.slice()) {
      if (start > it.iova + it.length - 1n || last < it.iova) continue;
      accessUnpinPages(this.ioas.iopt, it.iova, it.length);
      this.list.splice(this.list.indexOf(it), 1);
    }
  }

  /** Unpin everything and destroy the access. */
  close(): void {
    this.ctx.checkOpen('close');
    if (this.closed) fail('ENOENT', `access ${this.id} was already closed`);
    this.destroyForClose();
  }

  /** iommufd_test_staccess_release + iommufd_access_destroy; cannot fail. */
  destroyForClose(): void {
    if (this.closed) return;
    const ioas = this.ioas;
    if (ioas !== null) {
      this.unpinRange(0n, (1n << 64n) - 1n);
      const iopt = ioas.iopt;
      const i = iopt.accessList.indexOf(this);
      if (i >= 0) iopt.accessList.splice(i, 1);
      try {
        iopt.calculateIovaAlignment();
      } catch {
        iopt.kernel.warn('access', 'alignment recalculation failed on access removal');
      }
      const j = ioas.accesses.indexOf(this);
      if (j >= 0) ioas.accesses.splice(j, 1);
    }
    this.ioas = null;
    this.closed = true;
    this.ctx.freeId(this.id);
  }
}

/** iommufd_test_create_access: create the access and attach it (iopt_add_access). */
export function createAccessObject(
  ctx: ObjectContext,
  ioas: AttachedIoas,
  needsPinPages: boolean,
  onUnmap: 'unpin' | 'ignore',
): Access {
  if (ctx.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'selftest access allocation failed');
  const id = ctx.reserveId('access');
  try {
    ioas.lookup('createAccess');
    const access = new Access(ctx, id, ioas, needsPinPages, onUnmap);
    const iopt = ioas.iopt;
    iopt.accessList.push(access);
    try {
      iopt.calculateIovaAlignment();
    } catch (e) {
      iopt.accessList.pop();
      throw e;
    }
    ctx.setObject(id, 'access', access);
    ioas.accesses.push(access);
    return access;
  } catch (e) {
    ctx.freeId(id);
    throw e;
  }
}
