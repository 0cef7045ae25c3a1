import { describe, expect, it } from 'vitest';
import { U64_MAX } from '../../base';
import { expectErrno, fixture, P, PB, teardown } from './test-fixture';

describe('reserved and allowed ranges', () => {
  it('reserved vs areas and allowed ranges: EADDRINUSE; fixed maps: EINVAL / EEXIST', () => {
    const f = fixture();
    f.ioas.map(f.buf, P, { iova: 0x10000n });
    expectErrno(() => f.ioas.addReserved(0xf000n, 0x2000n), 'EADDRINUSE', /mapped area/);
    f.ioas.addReserved(0x20000n, 0x1000n);
    expectErrno(() => f.ioas.map(f.buf, P, { iova: 0x20000n }), 'EINVAL', /reserved/);
    expectErrno(() => f.ioas.map(f.buf, 2 * P, { iova: 0xf000n }), 'EEXIST', /overlaps/);
    expectErrno(() => f.ioas.allowIovas([{ start: 0x1f000n, last: 0x20fffn }]), 'EADDRINUSE', /reserved/);
    expect(f.ioas.iovaRanges().ranges).toEqual([
      { start: 0n, last: 0x1ffffn },
      { start: 0x21000n, last: U64_MAX },
    ]);
    f.ioas.allowIovas([{ start: 0x30000n, last: 0x3ffffn }]);
    expectErrno(() => f.ioas.addReserved(0x3f000n, 0x2000n), 'EADDRINUSE', /allowed/);
    // allowed ranges do not restrict IOVA_RANGES
    expect(f.ioas.iovaRanges().ranges.length).toBe(2);
    f.ioas.allowIovas([]);
    f.ioas.addReserved(0x3f000n, 0x2000n);
    teardown(f);
  });

  it('ALLOW_IOVAS validation: start < last, no overlap, argument names', () => {
    const f = fixture();
    expectErrno(() => f.ioas.allowIovas([{ start: PB, last: PB }]), 'EINVAL', /ranges\[0\]/);
    expectErrno(
      () =>
        f.ioas.allowIovas([
          { start: PB, last: 3n * PB },
          { start: 2n * PB, last: 5n * PB },
        ]),
      'EINVAL',
      /ranges\[1\].*overlaps/,
    );
    expectErrno(() => f.ioas.allowIovas([{ start: -1, last: 5 }]), 'EINVAL', /ranges\[0\]\.start/);
    expectErrno(() => f.ioas.allowIovas({} as never), 'EINVAL', /ranges must be an array/);
    expectErrno(() => f.ioas.addReserved(1, 0), 'EINVAL', /length/);
    expectErrno(() => f.ioas.addReserved(U64_MAX, 2), 'EOVERFLOW');
    teardown(f);
  });

  it('IOVA_RANGES: EMSGSIZE with the count and the first ranges', () => {
    const f = fixture();
    f.ioas.addReserved(0x1000n, 0x1000n);
    f.ioas.addReserved(0x5000n, 0x1000n);
    const detail = expectErrno(() => f.ioas.iovaRanges(2), 'EMSGSIZE') as {
      numIovas: number;
      ranges: unknown[];
    };
    expect(detail.numIovas).toBe(3);
    expect(detail.ranges).toEqual([
      { start: 0n, last: 0xfffn },
      { start: 0x2000n, last: 0x4fffn },
    ]);
    expect(f.ioas.iovaRanges(3).ranges.length).toBe(3);
    expectErrno(() => f.ioas.iovaRanges(-1), 'EINVAL', /capacity/);
    teardown(f);
  });

  it('ALLOW_IOVAS checks each range before allocating its node (iommufd_ioas_load_iovas order)', () => {
    const f = fixture();
    // step 1 = get_object, step 2 would be the first node's kzalloc
    f.m.kernel.faults.failNth(2);
    expectErrno(() => f.ioas.allowIovas([{ start: 0x2000n, last: 0x1000n }]), 'EINVAL');
    expect(f.m.kernel.faults.consumed()).toBe(false);
    // a valid first range allocates before the second range is checked
    f.m.kernel.faults.failNth(3);
    expectErrno(
      () =>
        f.ioas.allowIovas([
          { start: 0x1000n, last: 0x1fffn },
          { start: 0x1800n, last: 0x2fffn },
        ]),
      'EINVAL',
    );
    expect(f.m.kernel.faults.consumed()).toBe(false);
    f.m.kernel.faults.failNth(2);
    expectErrno(() => f.ioas.allowIovas([{ start: 0x1000n, last: 0x1fffn }]), 'ENOMEM');
    expect(f.m.kernel.faults.consumed()).toBe(true);
    expect(f.ioas.iovaRanges().ranges.length).toBe(1);
    teardown(f);
  });
});
