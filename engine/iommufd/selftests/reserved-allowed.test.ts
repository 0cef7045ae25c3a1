/**
 * Port of area_allowed (iommufd_ioas fixture) and the reserved/allowed rules
 * around it: a reserved range may not meet an allowed range or an area
 * (EADDRINUSE), a fixed map may not touch a reserved range (EINVAL), and a
 * domain's aperture reservation fails against areas and allowed ranges and
 * leaves nothing behind. §9.2, §9.6, §9.7.
 */
import { expect, it } from 'vitest';
import {
  describeFixture,
  expectErrno,
  IOAS_VARIANTS,
  MOCK_APERTURE_LAST,
  MOCK_APERTURE_START,
  PAGE_SIZE,
  U64_MAX,
} from './fixture';

const P = BigInt(PAGE_SIZE);

describeFixture('iommufd_ioas reserved/allowed', IOAS_VARIANTS, (fx) => {
  it('area_allowed: reserved vs allowed conflicts either way round', () => {
    const f = fx();
    // Reserved intersects an allowed
    const allowed = { start: f.baseIova, last: f.baseIova + P * 600n };
    f.ioas.allowIovas([allowed]);
    expectErrno(() => f.ioas.addReserved(allowed.start + P, P), 'EADDRINUSE');
    f.ioas.allowIovas([]);

    // Allowed intersects a reserved
    f.ioas.addReserved(allowed.start + P, P);
    expectErrno(() => f.ioas.allowIovas([allowed]), 'EADDRINUSE');
    // a failed allowIovas keeps the old (empty) list: another reservation inside it still works
    f.ioas.addReserved(f.baseIova + 3n * P, P);
  });

  it('a fixed map may not touch a reserved range (EINVAL) but may abut it', () => {
    const f = fx();
    f.ioas.addReserved(f.baseIova + P, P);
    expectErrno(() => f.ioas.map(f.buffer, 2 * PAGE_SIZE, { iova: f.baseIova }), 'EINVAL');
    expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE, { iova: f.baseIova + P }), 'EINVAL');
    expect(f.ioas.map(f.buffer, PAGE_SIZE, { iova: f.baseIova })).toBe(f.baseIova);
    expect(f.ioas.map(f.buffer, PAGE_SIZE, { iova: f.baseIova + 2n * P })).toBe(f.baseIova + 2n * P);
    if (f.hasDomain) {
      // the aperture reservations of the mock domain
      expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE, { iova: 0 }), 'EINVAL');
      expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE, { iova: MOCK_APERTURE_START - P }), 'EINVAL');
      expectErrno(() => f.ioas.map(f.buffer, 2 * PAGE_SIZE, { iova: MOCK_APERTURE_LAST + 1n - P }), 'EINVAL');
      const top = MOCK_APERTURE_LAST + 1n - P;
      expect(f.ioas.map(f.buffer, PAGE_SIZE, { iova: top })).toBe(top);
      expect(f.ioas.unmap(top, P)).toBe(P);
    }
    f.m.checkRefs(f.buffer, PAGE_SIZE, f.hasDomain ? 2 : 0);
    expect(f.ioas.unmap(0, U64_MAX)).toBe(2n * P);
  });

  it('a reservation over an area is refused; over another reservation it is fine', () => {
    const f = fx();
    f.ioas.map(f.buffer, 4 * PAGE_SIZE, { iova: f.baseIova + 8n * P });
    expectErrno(() => f.ioas.addReserved(f.baseIova + 11n * P, 2n * P), 'EADDRINUSE');
    expectErrno(() => f.ioas.addReserved(f.baseIova, 9n * P), 'EADDRINUSE');
    f.ioas.addReserved(f.baseIova, 8n * P);
    f.ioas.addReserved(f.baseIova + 4n * P, 4n * P);
    f.ioas.addReserved(f.baseIova + 12n * P, P);
    expect(f.ioas.unmap(f.baseIova + 8n * P, 4n * P)).toBe(4n * P);
  });

  it('attaching a domain reserves outside the aperture: fails on areas and allowed ranges there', () => {
    const f = fx();
    const x = f.ctx.ioasAlloc();
    // an area below the aperture
    expect(x.map(f.buffer, PAGE_SIZE, { iova: P })).toBe(P);
    expectErrno(() => x.attachDomain(), 'EADDRINUSE');
    expect(x.iovaRanges().ranges).toEqual([{ start: 0n, last: U64_MAX }]);
    f.m.checkInvariants();
    expect(x.unmap(P, P)).toBe(P);

    // an allowed range above it
    x.allowIovas([{ start: MOCK_APERTURE_LAST, last: MOCK_APERTURE_LAST + P }]);
    expectErrno(() => x.attachDomain(), 'EADDRINUSE');
    expect(x.iovaRanges().ranges).toEqual([{ start: 0n, last: U64_MAX }]);
    x.allowIovas([{ start: MOCK_APERTURE_START, last: MOCK_APERTURE_LAST }]);
    const d = x.attachDomain();
    expect(x.iovaRanges().ranges).toEqual([{ start: MOCK_APERTURE_START, last: MOCK_APERTURE_LAST }]);
    expectErrno(() => x.allowIovas([{ start: 0, last: P }]), 'EADDRINUSE');
    d.detach();
    // the domain's reservations went with it
    expect(x.iovaRanges().ranges).toEqual([{ start: 0n, last: U64_MAX }]);
    x.allowIovas([{ start: 0, last: P }]);
    x.destroy();
    f.m.checkRefs(f.buffer, PAGE_SIZE, 0);
  });
});
