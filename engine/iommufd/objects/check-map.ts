/**
 * IOMMU_TEST_OP_MD_CHECK_MAP, shared by the iommufd device (device.ts) and
 * the other strategies' domains (strategy/domain.ts): the arguments' checks,
 * then the walk — each granule of [iova, iova + length) must map the frame
 * behind uptr plus uptr's offset in its page. The callers check liveness
 * (and fault injection) between the two, as each object does.
 */
import { fail, PAGE_SIZE } from '../../base';
import type { IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import { optsArg, u64Arg, uintArg } from './args';

function hex(x: bigint | number): string {
  return '0x' + x.toString(16);
}

export interface CheckMapRange {
  readonly start: bigint;
  readonly len: bigint;
  readonly uptr: number;
  readonly proc: Process;
  /** The granule: the mock's IO page, or the table's smallest page. */
  readonly granule: number;
}

/** The arguments (opts.process through the context), aligned to the granule; EINVAL naming the one that is not. */
export function checkMapArgs(
  ctx: { processArg(v: unknown, name: string): Process },
  iova: unknown,
  length: unknown,
  uptr: unknown,
  opts: unknown,
  granule: number,
): CheckMapRange {
  const start = u64Arg(iova, 'iova');
  const len = u64Arg(length, 'length');
  const u = uintArg(uptr, 'uptr');
  const o = optsArg(opts, 'opts');
  const proc = ctx.processArg(o.process, 'opts.process');
  const gb = BigInt(granule);
  if (start % gb !== 0n)
    fail('EINVAL', `iova ${hex(start)} is not aligned to the domain's IO page size ${granule}`);
  if (len % gb !== 0n)
    fail('EINVAL', `length ${hex(len)} is not a multiple of the domain's IO page size ${granule}`);
  if (u % granule !== 0)
    fail('EINVAL', `uptr ${hex(u)} is not aligned to the domain's IO page size ${granule}`);
  if (!Number.isSafeInteger(u + Number(len))) fail('EINVAL', 'uptr + length overflows');
  return { start, len, uptr: u, proc, granule };
}

/** The walk: EFAULT for a uptr that cannot be faulted in, EINVAL at the first granule that maps something else. */
export function checkMapWalk(hw: IommuDomain, domainId: number, r: CheckMapRange): void {
  const proc = r.proc;
  const g = r.granule;
  const gb = BigInt(g);
  const n = Number(r.len / gb);
  let cur = r.start;
  let ua = r.uptr;
  for (let i = 0; i < n; i++, cur += gb, ua += g) {
    let pfn = proc.translate(ua);
    if (pfn < 0) {
      // get_user_pages_fast faults the page in (EFAULT when unmapped)
      proc.read(ua - (ua % PAGE_SIZE), 1);
      pfn = proc.translate(ua);
      if (pfn < 0) fail('EFAULT', `uptr ${hex(ua)} cannot be faulted in`);
    }
    const expect = pfn * PAGE_SIZE + (ua % PAGE_SIZE);
    const phys = cur > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : hw.translate(Number(cur));
    if (phys !== expect)
      fail(
        'EINVAL',
        phys < 0
          ? `iova ${hex(cur)} is not mapped in domain ${domainId}`
          : `iova ${hex(cur)} maps physical ${hex(phys)}, expected ${hex(expect)} (uptr ${hex(ua)})`,
        { iova: cur, expected: BigInt(expect), actual: phys < 0 ? null : BigInt(phys) },
      );
  }
}
