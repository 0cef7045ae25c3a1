/**
 * The in-kernel access (an mdev-style driver) of a naive or vfio-type1 IOAS:
 * the selftest access driver's API (objects/access.ts) over the strategy's
 * own pin and copy paths. Under vfio-type1 a pin is vfio_pin_pages (one
 * vfio_pfn per page, pinned again even where a domain already pinned it),
 * read/write is vfio_dma_rw (a copy through the process's memory); under
 * naive an item pins its own pages.
 */
import { fail, PAGE_SIZE } from '../../base';
import { checkPinnedPages, pinnedItemIndex, unpinItemId } from '../objects/access-items';
import { boolArg, describeValue, optsArg, u64Arg, uintArg } from '../objects/args';
import type { CtxForObjects, CtxObject, StrategyAccessItem, StrategyAccessShape } from './types';

/** The selftest refuses pins and rw above 16 MiB. */
const ACCESS_MAX_LENGTH = 16 * 1024 * 1024;

function hex(x: bigint | number): string {
  return '0x' + x.toString(16);
}

export class StrategyAccessItemImpl implements StrategyAccessItem {
  constructor(
    readonly id: number,
    readonly iova: bigint,
    readonly length: bigint,
    /** One PFN per page of [iova rounded down, iova + length rounded up). */
    readonly pfns: Uint32Array,
    /** Strategy data for the unpin (naive: the pinning mappings). */
    readonly token: unknown,
  ) {}
  /** First page's IOVA (page aligned). */
  get firstIova(): bigint {
    return this.iova - (this.iova % BigInt(PAGE_SIZE));
  }
}

const isStrategyItem = (x: unknown): x is StrategyAccessItemImpl => x instanceof StrategyAccessItemImpl;

/** What an access uses of its IOAS (ioas.ts implements it). */
export interface AccessIoas {
  readonly ctx: CtxForObjects;
  lookup(what: string): void;
  /** Pin the pages of [iova, iova + npages pages); all or nothing. Returns the unpin token. */
  accessPin(first: bigint, npages: number, write: boolean, out: Uint32Array): unknown;
  accessUnpin(first: bigint, npages: number, token: unknown): void;
  accessRw(iova: bigint, buf: Uint8Array, write: boolean): void;
  accessRemoved(a: StrategyAccess): void;
}

export class StrategyAccess implements StrategyAccessShape, CtxObject {
  closed = false;
  private readonly list: StrategyAccessItemImpl[] = [];
  /** As the selftest's kzalloc'd staccess->next_id: the first item of every access is 0. */
  private nextItemId = 0;
  unmapNotifications = 0;

  constructor(
    readonly ioas: AccessIoas,
    readonly id: number,
    readonly needsPinPages: boolean,
    readonly onUnmap: 'unpin' | 'ignore',
  ) {}

  private get ctx(): CtxForObjects {
    return this.ioas.ctx;
  }

  private live(what: string): void {
    this.ctx.checkOpen(what);
    if (this.closed) fail('ENOENT', `${what}: access ${this.id} was closed`);
  }

  get items(): StrategyAccessItemImpl[] {
    return this.list.slice();
  }

  pin(iova: unknown, length: unknown, opts?: unknown): StrategyAccessItemImpl {
    const start = u64Arg(iova, 'iova');
    const len = u64Arg(length, 'length');
    const o = optsArg(opts, 'opts');
    const write = boolArg(o.write, 'opts.write', false);
    const uptr = o.uptr === undefined ? undefined : uintArg(o.uptr, 'opts.uptr');
    this.ctx.checkOpen('pin');
    if (len > BigInt(ACCESS_MAX_LENGTH))
      fail('ENOMEM', `length ${hex(len)} is above the 16 MiB limit of a pin`);
    this.live('pin');
    if (!this.needsPinPages)
      fail('EINVAL', `access ${this.id} was created without needsPinPages and cannot pin`);
    if (len === 0n) fail('EINVAL', 'length must be non-zero');
    const P = BigInt(PAGE_SIZE);
    const first = start - (start % P);
    const npages = Number((start + len + P - 1n) / P - first / P);
    const pfns = new Uint32Array(npages);
    const token = this.ioas.accessPin(first, npages, write, pfns);
    if (uptr !== undefined) {
      try {
        checkPinnedPages(this.ctx.owner, uptr - Number(start % P), pfns);
      } catch (e) {
        this.ioas.accessUnpin(first, npages, token);
        throw e;
      }
    }
    const item = new StrategyAccessItemImpl(this.nextItemId++, start, len, pfns, token);
    this.list.push(item);
    return item;
  }

  unpin(item: unknown): void {
    const id = unpinItemId(item, isStrategyItem);
    this.live('unpin');
    this.release(pinnedItemIndex(this.list, id, item, isStrategyItem, this.id));
  }

  private release(i: number): void {
    const it = this.list[i];
    this.ioas.accessUnpin(it.firstIova, it.pfns.length, it.token);
    this.list.splice(i, 1);
  }

  read(iova: unknown, length: unknown, opts?: unknown): Uint8Array {
    const start = u64Arg(iova, 'iova');
    const len = uintArg(length, 'length');
    const o = optsArg(opts, 'opts');
    boolArg(o.slowPath, 'opts.slowPath', false);
    this.ctx.checkOpen('read');
    if (len > ACCESS_MAX_LENGTH)
      fail('ENOMEM', `length ${hex(len)} is above the 16 MiB limit of an access read`);
    this.live('read');
    const buf = new Uint8Array(len);
    this.ioas.accessRw(start, buf, false);
    return buf;
  }

  write(iova: unknown, data: unknown, opts?: unknown): void {
    const start = u64Arg(iova, 'iova');
    if (!(data instanceof Uint8Array))
      fail('EINVAL', `data must be a Uint8Array, got ${describeValue(data)}`);
    const o = optsArg(opts, 'opts');
    boolArg(o.slowPath, 'opts.slowPath', false);
    this.ctx.checkOpen('write');
    if (data.length > ACCESS_MAX_LENGTH)
      fail('ENOMEM', `data length ${hex(data.length)} is above the 16 MiB limit of an access write`);
    this.live('write');
    this.ioas.accessRw(start, data.slice(), true);
  }

  /** The driver's dma_unmap callback: 'unpin' releases every item intersecting the range. */
  notifyUnmap(iova: bigint, length: bigint): void {
    this.unmapNotifications++;
    if (this.onUnmap === 'ignore') return;
    this.unpinRange(iova, iova + length - 1n);
  }

  private unpinRange(start: bigint, last: bigint): void {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const it = this.list[i];
      if (start > it.iova + it.length - 1n || last < it.iova) continue;
      this.release(i);
    }
  }

  close(): void {
    this.ctx.checkOpen('close');
    if (this.closed) fail('ENOENT', `access ${this.id} was already closed`);
    this.destroyForClose();
  }

  destroyForClose(): void {
    if (this.closed) return;
    this.unpinRange(0n, (1n << 64n) - 1n);
    this.ioas.accessRemoved(this);
    this.closed = true;
    this.ctx.freeId(this.id);
  }
}
